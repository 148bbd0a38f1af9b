"""Golden metadata: every page under tests/golden/ gives exactly its expected metadata.

news-dev pages are read in place from ../shared/corpus/news-dev (skipped when absent);
handmade pages live in tests/data/extraction/. ``python scripts/regen_golden.py``
rewrites the expected files from the current extractor, so a change shows as a git diff.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from newscrawler.extract.metadata.byline import agency_name
from tests.support.cli import ROOT

pytestmark = pytest.mark.unit

GOLDEN = ROOT / "tests" / "golden"
_spec = importlib.util.spec_from_file_location("regen_golden", ROOT / "scripts" / "regen_golden.py")
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)

CASES = sorted(GOLDEN.glob("*/*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_enough_golden_pages_of_both_kinds() -> None:
    sources = [_load(p)["source"].split(":", 1)[0] for p in CASES]
    assert len(CASES) >= 30
    assert sources.count("data") >= 10 and sources.count("news-dev") >= 20


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_metadata(path: Path) -> None:
    case = _load(path)
    html = regen.page_html(case)
    if html is None:
        pytest.skip(f"news-dev corpus not found at {regen.NEWS_DEV_DIR}")
    assert regen.actual_metadata(html, case["url"]) == case["expected"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_values_are_well_formed(path: Path) -> None:
    """What users rely on: aware ISO dates with a source, clean author names, known paywall values."""
    expected = _load(path)["expected"]
    if expected is None:
        return
    assert set(expected) == set(regen.FIELDS)
    for name in ("published_at", "modified_at"):
        if expected[name]:
            assert expected[name][-6] in "+-" and expected[name][-3] == ":"  # explicit UTC offset
    assert (expected["date_source"] is None) == (expected["published_at"] is None)
    assert expected["date_source"] in (None, "jsonld", "meta", "url", "text")
    for author in expected["authors"]:
        assert not author.lower().startswith(("by ", "the ")) and not any(c.isdigit() for c in author)
        # the site's name is no author, except a news agency's credit on its own site (Reuters on reuters.com)
        assert author.lower() != (expected["site_name"] or "").lower() or agency_name(author)
    assert expected["language"] is None or len(expected["language"]) == 2
    assert expected["is_paywalled"] in (None, True, False)
