"""The documentation keeps up with the code.

docs/cli.md has a heading for every command (and none for a command that is gone); the
README fits on one screen and keeps its two commands; every relative link of the README
and of docs/ leads to a file (and, with an anchor, to a heading there); every path and
module the docs name exists; docs/reliability.md names a test for each row, and the test
exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from newscrawler.cli import main
from tests.support.cli import ROOT

pytestmark = pytest.mark.unit

DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
REF = re.compile(r"(?:tests/)?(test_\w+\.py)::(test_\w+)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.M)
CODE = re.compile(r"`([^`\n]+)`")
# A file (with a suffix) or a directory (a trailing slash): `archive/inserted` is a stats key, not a path.
CITED_PATH = re.compile(r"(?<![\w./-])(?:newscrawler|archive|tests|benchmarks|scripts|docs)/(?:[\w./-]*\.[A-Za-z]\w*|[\w./-]*/)(?![\w./-])")
MODULE = re.compile(r"\b(?:newscrawler|archive)(?:\.[A-Za-z_]\w*)+")


def prose(path: Path) -> str:
    """The page without its fenced code blocks (shell lines and config are not links)."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """Every runnable command of ``group``, as typed after ``newscrawler`` (``sources check``)."""
    paths = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, f"{prefix}{name} ")
        else:
            paths.append(f"{prefix}{name}")
    return paths


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(prose(path)):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def table_rows(text: str) -> list[str]:
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [r for r in rows if not re.fullmatch(r"\|[\s\-|:]+\|", r) and not r.startswith("| fault |")]


def test_every_command_has_a_heading_in_docs_cli() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `newscrawler ([a-z][a-z ]*?)(?: [A-Z\[].*)?`$", text, re.M))
    commands = command_paths(main)
    assert {"crawl", "fetch", "search", "show", "export", "stats", "reextract", "demo", "sources check"} <= set(commands)
    assert [c for c in commands if c not in documented] == [], "commands without a ### heading in docs/cli.md"
    assert sorted(documented - set(commands)) == [], "docs/cli.md documents commands that do not exist"


def test_readme_fits_on_one_screen_and_keeps_its_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert re.search(r"^make demo\b", readme, re.M) and re.search(r"^make test\b", readme, re.M)
    assert "docs/performance.md" in readme


def test_every_relative_link_leads_to_a_file_and_heading() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall(prose(page)):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            file, _, anchor = target.partition("#")
            dest = (page.parent / file).resolve() if file else page
            where = f"{page.relative_to(ROOT)}: {target}"
            if not dest.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                broken.append(f"{where} (no such heading)")
    assert broken == []


def module_exists(dotted: str) -> bool:
    """``a.b.c.Name``: the longest prefix that is a module or package, and the rest defined in it."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:end])
        source = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
        if source.exists():
            rest = parts[end:]
            # defined there, or a lazy export of a package's __init__ (``"name": "module"``)
            return not rest or re.search(rf"^\s*(?:class|def|async def) {rest[0]}\b|^{rest[0]}\b|\"{rest[0]}\": \"",
                                         source.read_text(encoding="utf-8"), re.M) is not None
    return False


def test_every_cited_path_and_module_exists() -> None:
    missing = []
    for page in PAGES:
        for span in CODE.findall(page.read_text(encoding="utf-8")):
            for path in CITED_PATH.findall(span):
                if not (ROOT / path).exists():
                    missing.append(f"{page.name}: {path}")
            for dotted in MODULE.findall(span):
                if not module_exists(dotted):
                    missing.append(f"{page.name}: {dotted}")
    assert missing == []


def test_every_reliability_row_names_a_test_that_exists() -> None:
    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = table_rows(text)
    assert len(rows) > 40
    assert [row for row in rows if not REF.search(row)] == []
    missing = []
    for file, name in sorted(set(REF.findall(text))):
        source = ROOT / "tests" / file
        if not source.exists() or not re.search(rf"^(async )?def {name}\b", source.read_text(encoding="utf-8"), re.M):
            missing.append(f"{file}::{name}")
    assert missing == []
