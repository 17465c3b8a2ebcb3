"""`calendar-feed init`, the workflow it writes, and the pre-commit hooks this project ships."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from calendar_feed.cli import main
from calendar_feed.organize.init_project import WORKFLOW_FILE
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
    result = runner.invoke(main, ["init", str(project)])
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
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    workflow = tmp_path / WORKFLOW_FILE
    check = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
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
    result = runner.invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'events.yaml'}: already exists",
        f"{tmp_path / 'README.md'}: already exists",
        "Error: 2 files would be replaced; nothing written (--force replaces them)",
    ]
    assert _tree(tmp_path) == ["README.md", "events.yaml"]
    forced = runner.invoke(main, ["init", str(tmp_path), "--force", "--id", "my-lunch"])
    assert forced.exit_code == 0
    assert "  id: my-lunch\n" in (tmp_path / "events.yaml").read_text(encoding="utf-8")


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
        [str(BIN / "pre-commit"), "try-repo", str(ROOT), hook, "--all-files"],
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
