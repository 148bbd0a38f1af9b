"""docs/reliability.md: every row of its tables names a test, and every test it names exists."""

from __future__ import annotations

import re

from conftest import ROOT

REF = re.compile(r"(?:tests/)?(test_\w+\.py)::(test_\w+)")


def table_rows(text: str) -> list[str]:
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [r for r in rows if not re.fullmatch(r"\|[\s\-|:]+\|", r) and not r.startswith("| fault |")]


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
