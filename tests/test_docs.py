"""The README and the manual in docs/: their examples are what the tool does, every
command is documented, generated pages are current, and CI runs the README's test line."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest

from calendar_feed.cli import main
from tests.helpers import ROOT

DOCS = ROOT / "docs"
COMMANDS_PAGE = DOCS / "user-guide" / "commands.md"
TEST_COMMAND = (
    "pip install -e '.[test]' && ruff check . && ruff format --check . "
    "&& mkdocs build --strict && pytest --cov"
)


def manual_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def load_generator() -> ModuleType:
    """docs/generate.py, which is a script, not part of the package."""
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def commands() -> dict[str, click.Command]:
    context = click.Context(main)
    names = main.list_commands(context)  # lazily loaded commands included
    assert names, "no commands registered"
    return {name: main.get_command(context, name) for name in names}


# -- every command is documented, with options it really has ----------------------------


def test_every_command_has_help_and_is_on_the_commands_page(runner):
    page = COMMANDS_PAGE.read_text(encoding="utf-8")
    for name, command in commands().items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert command.help, f"`calendar-feed {name}` has no help text"
        first_line = " ".join(command.help.strip().splitlines()[0].split())
        assert first_line in " ".join(result.output.split())
        assert f"calendar-feed {name}" in page, (
            f"{COMMANDS_PAGE.relative_to(ROOT)} does not document `calendar-feed {name}`"
        )


def test_the_docs_use_only_options_the_commands_have():
    """Every `calendar-feed NAME … --option` in the README and the manual (tables, code
    blocks, inline code) names an option that NAME has: no invented options."""
    known = {
        name: {opt for param in command.params for opt in param.opts + param.secondary_opts}
        for name, command in commands().items()
    }
    wrong = []
    for path in [ROOT / "README.md", *manual_pages()]:
        text = path.read_text(encoding="utf-8")
        for use in re.finditer(r"calendar-feed ([a-z][a-z-]*)([^\n|`]*)", text):
            name, rest = use.groups()
            if name not in known:
                continue  # prose: "calendar-feed keeps a small history file"
            for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                if option not in known[name] | {"--help"}:
                    wrong.append(f"{path.relative_to(ROOT)}: calendar-feed {name} {option}")
    assert wrong == []


def test_the_manual_shows_real_validate_output(runner, monkeypatch):
    """The example on the commands page is what the tool prints for tests/data/broken.yaml."""
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["validate", "tests/data/broken.yaml"])
    assert result.exit_code == 1
    page = COMMANDS_PAGE.read_text(encoding="utf-8")
    assert f"$ calendar-feed validate tests/data/broken.yaml\n{result.output}```" in page


# -- the README ------------------------------------------------------------------------


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("**Test it.**", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert command == TEST_COMMAND
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("\n" + command)


def test_the_manual_gives_the_same_test_command():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    command = index.split("**Test it.**", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert command == TEST_COMMAND


def test_the_readme_stays_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, "README.md is the front page; move details into docs/"


@pytest.mark.parametrize("readme", ["README.md", "deploy/README.md", "bench/README.md"])
def test_readme_links_point_at_files_that_exist(readme):
    """mkdocs checks the manual's links; nothing else checks the READMEs' ones."""
    path = ROOT / readme
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, f"{readme} links to nothing in the repository"
    missing = [t for t in local if not (path.parent / t.split("#", 1)[0]).exists()]
    assert missing == []


def test_the_readme_and_the_manual_show_the_listing():
    assert "](docs/img/listing.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](img/listing.png)" in (DOCS / "index.md").read_text(encoding="utf-8")
    assert (DOCS / "img" / "listing.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# -- generated pages -------------------------------------------------------------------


def test_generated_pages_are_up_to_date():
    generator = load_generator()
    pages = generator.pages(ROOT)
    assert DOCS / "internals" / "layout.md" in pages
    stale = [page.relative_to(ROOT).as_posix() for page in generator.stale(ROOT)]
    assert stale == [], (
        f"{', '.join(stale)} differ from what the generator makes: run `python docs/generate.py`"
    )


def test_the_layout_page_lists_every_module():
    layout = (DOCS / "internals" / "layout.md").read_text(encoding="utf-8")
    for module in sorted((ROOT / "calendar_feed").rglob("*.py")):
        name = module.relative_to(ROOT).as_posix()
        if module.name == "__init__.py" and not module.read_text(encoding="utf-8").strip():
            assert f"`{name}`" not in layout
        else:
            assert f"- `{name}`: " in layout


def test_the_generator_fills_regions_and_takes_new_ones(tmp_path, monkeypatch):
    generator = load_generator()
    package = tmp_path / "calendar_feed"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""The package.\n\nMore."""\n', encoding="utf-8")
    (package / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "thing.py").write_text('"""A thing."""\nX = 1\n', encoding="utf-8")
    (package / "bare.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setitem(generator.GENERATORS, "answer", lambda root: "42\n")
    text = (
        "intro\n<!-- generated: layout -->\nold\n<!-- end generated -->\n"
        "<!-- generated: answer -->\n<!-- end generated -->\nend\n"
    )
    assert generator.regenerate(text, tmp_path) == (
        "intro\n<!-- generated: layout -->\n"
        "- `calendar_feed/__init__.py`: The package.\n"
        "- `calendar_feed/bare.py`: (no module docstring)\n"
        "- `calendar_feed/sub/thing.py`: A thing.\n"
        "<!-- end generated -->\n"
        "<!-- generated: answer -->\n42\n<!-- end generated -->\nend\n"
    )
    with pytest.raises(KeyError, match="unknown generated region 'nothing'"):
        generator.regenerate("<!-- generated: nothing -->\n<!-- end generated -->\n", tmp_path)


# -- the manual builds -----------------------------------------------------------------


def test_the_manual_builds_without_warnings(tmp_path):
    """`mkdocs build --strict`, as the test command runs it (here into a temporary folder):
    broken links and anchors, and pages left out of the nav, are errors."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "out" / "internals" / "layout" / "index.html").is_file()
    assert (tmp_path / "out" / "img" / "listing.png").is_file()
