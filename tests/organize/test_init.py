"""`calendar-feed init`, the workflow it writes, and the pre-commit hooks this project ships."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.organize.init_project import WORKFLOW_FILE, Seminar, project_files
from calendar_feed.source.validation import load_schedule
from tests.helpers import ROOT, SHIPPED

FILES = [
    ".github/workflows/calendar-feed.yml",
    ".pre-commit-config.yaml",
    "README.md",
    "events.yaml",
]
BIN = Path(sys.executable).parent


def _tree(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def test_init_writes_a_repository_that_validates_and_builds(runner, tmp_path: Path):
    project = tmp_path / "lunch seminar"
    result = runner.invoke(main, ["init", str(project), "--yes"])
    assert result.exit_code == 0, result.output
    assert _tree(project) == FILES
    events = project / "events.yaml"
    text = events.read_text(encoding="utf-8")
    assert "  id: lunch-seminar\n" in text
    assert text.count("\n#") >= 5  # commented for the people who will edit it
    validate = runner.invoke(main, ["validate", str(events)])
    assert validate.exit_code == 0, validate.output
    assert validate.stdout.endswith("3 sessions (1 talk, 1 cancelled, 1 open slot)\n")
    build = runner.invoke(main, ["build", str(events), "--out", str(project / "site")])
    assert build.exit_code == 0, build.output
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "poster.html").is_file()


def test_the_workflow_passes_githubs_schema_and_deploys_to_pages(runner, tmp_path: Path):
    assert runner.invoke(main, ["init", str(tmp_path), "--yes"]).exit_code == 0
    workflow = tmp_path / WORKFLOW_FILE
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok -- validation done" in check.stdout
    spec = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    triggers = spec[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    validate, deploy = spec["jobs"]["validate"], spec["jobs"]["deploy"]
    assert "calendar-feed validate events.yaml" in [s.get("run") for s in validate["steps"]]
    assert deploy["needs"] == "validate"
    assert "default_branch" in deploy["if"]
    assert "pull_request" in deploy["if"]
    assert deploy["permissions"]["pages"] == "write"
    assert deploy["permissions"]["id-token"] == "write"
    assert deploy["concurrency"]["group"] == "pages"
    uses = [s.get("uses", "") for s in deploy["steps"]]
    assert [u.split("@")[0] for u in uses if "pages" in u] == [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    build = next(s for s in deploy["steps"] if s.get("name") == "Build the site")
    assert build["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--base-url "$BASE_URL"' in build["run"]


def test_init_refuses_to_overwrite(runner, tmp_path: Path):
    (tmp_path / "events.yaml").write_text("mine", encoding="utf-8")
    (tmp_path / "README.md").write_text("mine", encoding="utf-8")
    result = runner.invoke(main, ["init", str(tmp_path), "--yes"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'events.yaml'}: already exists",
        f"{tmp_path / 'README.md'}: already exists",
        "Error: 2 files would be replaced; nothing written (--force replaces them)",
    ]
    assert _tree(tmp_path) == ["README.md", "events.yaml"]
    forced = runner.invoke(main, ["init", str(tmp_path), "--yes", "--force", "--id", "my-lunch"])
    assert forced.exit_code == 0
    assert "  id: my-lunch\n" in (tmp_path / "events.yaml").read_text(encoding="utf-8")


def _calendar(project: Path) -> dict:
    return yaml.safe_load((project / "events.yaml").read_text(encoding="utf-8"))


def test_init_yes_writes_the_seminar_it_is_told_and_nothing_of_the_first_one(
    runner, tmp_path: Path
):
    project = tmp_path / "colloquium"
    args = ["init", str(project), "--yes", "--timezone", "America/New_York", "--language", "en"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Defaults taken (edit events.yaml to change them): name Colloquium, weekday monday, "
        "start 16:00, end 17:00, location Room to be announced\n"
    )
    text = (project / "events.yaml").read_text(encoding="utf-8")
    assert not any("\u4e00" <= c <= "\u9fff" for c in text)  # no Chinese placeholder
    data = _calendar(project)
    assert data["calendar"]["name"] == "Colloquium"
    assert data["calendar"]["timezone"] == "America/New_York"
    assert data["calendar"]["language"] == "en"
    assert data["calendar"]["weekday"] == "monday"
    assert "local_name" not in data["calendar"]
    assert data["calendar"]["semester"].split()[0] in ("Spring", "Fall")
    assert data["defaults"] == {
        "start": "16:00",
        "end": "17:00",
        "location": "Room to be announced",
    }
    assert [dt.date.fromisoformat(str(s["date"])).weekday() for s in data["sessions"]] == [0] * 3
    assert data["sessions"][1]["reason"] == "Holiday"
    site = project / "site"
    built = runner.invoke(main, ["build", str(project / "events.yaml"), "--out", str(site)])
    assert built.exit_code == 0, built.output
    feed = Calendar.from_ical((site / "calendar.ics").read_bytes())
    talk = next(e for e in feed.walk("VEVENT") if "Lovelace" in str(e["SUMMARY"]))
    start = talk.decoded("DTSTART")
    assert (str(start.tzinfo), start.hour, start.minute) == ("America/New_York", 16, 0)
    assert [str(z["TZID"]) for z in feed.walk("VTIMEZONE")] == ["America/New_York"]


def test_init_asks_each_question_and_asks_again_after_a_wrong_answer(runner, tmp_path: Path):
    project = tmp_path / "nt"
    answers = "Number Theory\nEurope/Berln\nEurope/Berlin\nthursday\n14:15\n15:45\nde\nRaum 2.14\n"
    result = runner.invoke(main, ["init", str(project)], input=answers)
    assert result.exit_code == 0, result.output
    assert 'Error: unknown timezone "Europe/Berln"; did you mean "Europe/Berlin"?' in result.output
    assert result.output.count("Timezone (IANA name) [") == 2
    data = _calendar(project)
    assert {k: data["calendar"][k] for k in ("name", "timezone", "weekday", "language")} == {
        "name": "Number Theory",
        "timezone": "Europe/Berlin",
        "weekday": "thursday",
        "language": "de",
    }
    assert data["defaults"] == {"start": "14:15", "end": "15:45", "location": "Raum 2.14"}
    assert [dt.date.fromisoformat(str(s["date"])).weekday() for s in data["sessions"]] == [3] * 3
    assert runner.invoke(main, ["validate", str(project / "events.yaml")]).exit_code == 0


def test_a_chinese_seminar_gets_the_bilingual_placeholders(runner, tmp_path: Path):
    args = ["init", str(tmp_path), "--yes", "--language", "zh", "--timezone", "Asia/Taipei"]
    assert runner.invoke(main, args).exit_code == 0
    data = _calendar(tmp_path)
    assert data["calendar"]["local_name"] == "我的讨论班"
    assert data["calendar"]["semester"][-1] in "春秋"
    assert data["defaults"]["location"] == "地点待定 / Room to be announced"
    assert data["sessions"][1]["reason"] == "假期 / Holiday"


def test_the_timezone_defaults_to_this_machines_and_says_so(tmp_path: Path):
    env = {**os.environ, "TZ": "Pacific/Auckland"}
    command = [str(BIN / "calendar-feed"), "init", str(tmp_path / "s"), "--yes"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "timezone Pacific/Auckland (this machine's zone)" in result.stderr
    assert _calendar(tmp_path / "s")["calendar"]["timezone"] == "Pacific/Auckland"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--id",
            "../x",
            'Invalid value for \'--id\': "../x" is not a valid id: use letters, digits, "-", '
            '"_" or "." (at most 64, starting with a letter or digit)',
        ),
        (
            "--timezone",
            "Asia/Beijing",
            "Invalid value for '--timezone': unknown timezone \"Asia/Beijing\"; did you mean "
            '"Asia/Shanghai"? (use an IANA name like Asia/Shanghai)',
        ),
        (
            "--start",
            "25:00",
            "Invalid value for '--start': \"25:00\" is not a real time",
        ),
        (
            "--package",
            'calendar-feed"\n  INJECTED: "1',
            "Invalid value for '--package': must be one pip requirement or URL, without "
            "spaces, line breaks or ${{",
        ),
    ],
)
def test_init_checks_its_options_as_validate_does(runner, tmp_path, option, value, message):
    result = runner.invoke(main, ["init", str(tmp_path / "s"), "--yes", option, value])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert not (tmp_path / "s").exists()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn")), min_size=1))
def test_every_name_is_one_yaml_value_that_reads_back_as_given(tmp_path: Path, name: str):
    """Whatever the answers, the file has the keys it should, each with the answer as given."""
    name = name.strip()
    assume(name)
    seminar = Seminar("s", name, "UTC", "monday", "16:00", "17:00", name, "en")
    files = project_files(seminar, today=dt.date(2025, 3, 1), package=name.replace(" ", "-"))
    events = tmp_path / "events.yaml"
    events.write_text(files["events.yaml"], encoding="utf-8")
    loaded = load_schedule(events).schedule
    assert (loaded.series.name, loaded.sessions[0].location) == (name, name)
    data = yaml.safe_load(files["events.yaml"])
    assert data["calendar"]["name"] == name
    assert data["defaults"]["location"] == name
    assert set(data["calendar"]) == {
        "id", "name", "description", "semester", "organizers", "timezone", "language", "weekday"
    }  # fmt: skip
    workflow = yaml.safe_load(files[WORKFLOW_FILE])
    assert workflow["env"] == {"CALENDAR_FEED": name.replace(" ", "-")}


def test_links_count_as_existing_files_and_are_never_written_through(runner, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "p"
    (project / ".github").mkdir(parents=True)
    (project / "README.md").symlink_to(outside / "README.md")  # dangling
    (project / ".github" / "workflows").symlink_to(outside)
    result = runner.invoke(main, ["init", str(project), "--yes"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{project / '.github' / 'workflows'}: is a link (nothing is written through one)",
        f"{project / 'README.md'}: is a link (nothing is written through one)",
        "Error: 2 files would be replaced; nothing written (--force replaces them)",
    ]
    assert list(outside.iterdir()) == []
    assert not (project / "events.yaml").exists()
    forced = runner.invoke(main, ["init", str(project), "--yes", "--force"])
    assert forced.exit_code == 0, forced.output
    assert list(outside.iterdir()) == []
    assert not (project / "README.md").is_symlink()
    assert (project / "README.md").read_text(encoding="utf-8").startswith("# Seminar schedule")
    assert not (project / ".github" / "workflows").is_symlink()
    assert (project / WORKFLOW_FILE).is_file()


def test_force_replaces_a_link_to_a_file_not_its_target(runner, tmp_path: Path):
    target = tmp_path / "precious.yaml"
    target.write_text("keep me", encoding="utf-8")
    project = tmp_path / "p"
    project.mkdir()
    (project / "events.yaml").symlink_to(target)
    assert runner.invoke(main, ["init", str(project), "--yes", "--force"]).exit_code == 0
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (project / "events.yaml").is_symlink()
    assert "calendar:" in (project / "events.yaml").read_text(encoding="utf-8")


# -- pre-commit hooks ---------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: pre-commit pip-installs this project into it."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{BIN}:{os.environ['PATH']}"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.edu")
    _git(tmp_path, "config", "user.name", "T")
    return tmp_path


def test_pre_commit_hooks_file_names_both_commands():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"]: h["entry"] for h in hooks} == {
        "calendar-feed-validate": "calendar-feed validate",
        "calendar-feed-diff-check": "calendar-feed diff --check",
    }


def test_validate_hook_passes_a_good_file_and_stops_a_broken_one(repo: Path, pre_commit_home):
    shutil.copyfile(SHIPPED, repo / "events.yaml")
    _git(repo, "add", "events.yaml")
    good = _try_repo(repo, "calendar-feed-validate", pre_commit_home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "calendar-feed validate" in good.stdout
    assert "Passed" in good.stdout
    shutil.copyfile(ROOT / "tests" / "data" / "broken.yaml", repo / "events.yaml")
    _git(repo, "add", "events.yaml")
    broken = _try_repo(repo, "calendar-feed-validate", pre_commit_home)
    assert broken.returncode == 1
    assert "Failed" in broken.stdout
    assert 'events.yaml:4:13: calendar.timezone: unknown timezone "Asia/Beijing"' in broken.stdout


def test_diff_check_hook_stops_a_uid_change(runner, repo: Path, pre_commit_home):
    events = repo / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    assert runner.invoke(main, ["build", str(events), "--out", str(repo / "site")]).exit_code == 0
    _git(repo, "add", "events.yaml", "events.history.json")
    same = _try_repo(repo, "calendar-feed-diff-check", pre_commit_home)
    assert same.returncode == 0, same.stdout + same.stderr
    events.write_text(
        events.read_text(encoding="utf-8").replace("date: 2024-09-11", "date: 2024-09-04"),
        encoding="utf-8",
    )
    _git(repo, "add", "events.yaml")
    moved = _try_repo(repo, "calendar-feed-diff-check", pre_commit_home)
    assert moved.returncode == 1
    assert "moved from 2024-09-11 to 2024-09-04: its UID will change" in moved.stdout
