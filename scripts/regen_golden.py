"""Rewrite the golden metadata files (tests/golden/) from the current extractor.

    python scripts/regen_golden.py            # rewrite every golden file
    python scripts/regen_golden.py --check    # only list the files that would change

Each golden file is one page: a news-dev page read in place from
``../shared/corpus/news-dev/html/`` (skipped when that directory is absent) or a
handmade page from ``tests/data/extraction/``, with the expected metadata. After a
change to the extractor, run this and review ``git diff tests/golden`` by eye: every
changed value must be a correction. A value that is genuinely unknowable is null;
``"_note"`` entries explain values worth a word, and are kept on regeneration.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
HANDMADE_DIR = REPO_ROOT / "tests" / "data" / "extraction"
NEWS_DEV_DIR = REPO_ROOT.parent / "shared" / "corpus" / "news-dev"
FIELDS = ("title", "authors", "credit", "published_at", "modified_at", "date_source", "language", "section", "tags",
          "description", "image_url", "site_name", "canonical_url", "is_paywalled")
# The news-dev pages with golden files: the first two of each publisher.
NEWS_DEV_PAGES = tuple(f"{publisher}_{n}.html.gz" for publisher in (
    "APNews", "CNBC", "FoxNews", "FreeBeacon", "LATimes", "OccupyDemocrats", "Reuters", "TheGatewayPundit",
    "TheGuardian", "TheIndependent", "TheIntercept", "TheNation", "TheNewYorker", "TheTelegraph",
    "WashingtonTimes", "iNews") for n in (0, 1))


def page_html(case: dict[str, Any]) -> str | None:
    """The HTML of a golden case, or None when its corpus is not available."""
    source, name = case["source"].split(":", 1)
    if source == "news-dev":
        path = NEWS_DEV_DIR / "html" / name
        return gzip.decompress(path.read_bytes()).decode("utf-8", "replace") if path.exists() else None
    return (HANDMADE_DIR / name).read_text(encoding="utf-8")


def actual_metadata(html: str, url: str) -> dict[str, Any] | None:
    """The metadata fields the extractor gives for ``html`` (JSON-ready), or None for no article."""
    from newscrawler.extract.extractor import extract_article

    article = extract_article(html, url)
    if article is None:
        return None
    values = {name: getattr(article, name) for name in FIELDS}
    for name in ("published_at", "modified_at"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


def news_dev_cases() -> list[dict[str, Any]]:
    truth_path = NEWS_DEV_DIR / "ground_truth.json"
    if not truth_path.exists():
        return []
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return [{"file": GOLDEN_DIR / "news-dev" / name.replace(".html.gz", ".json"), "source": f"news-dev:{name}",
             "url": truth[name]["url"]} for name in NEWS_DEV_PAGES if name in truth]


def handmade_cases() -> list[dict[str, Any]]:
    """Handmade cases: their URL is kept in the existing golden file (default: example.org)."""
    cases = []
    for path in sorted(HANDMADE_DIR.glob("*.html")):
        golden = GOLDEN_DIR / "handmade" / f"{path.stem}.json"
        url = f"https://news.example.org/{path.stem}"
        if golden.exists():
            url = json.loads(golden.read_text(encoding="utf-8")).get("url", url)
        cases.append({"file": golden, "source": f"data:{path.name}", "url": url})
    return cases


def render(case: dict[str, Any], expected: dict[str, Any] | None, note: Any) -> str:
    data: dict[str, Any] = {"source": case["source"], "url": case["url"]}
    if note:
        data["_note"] = note
    data["expected"] = expected
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the files that would change")
    args = parser.parse_args(argv)
    changed = 0
    for case in news_dev_cases() + handmade_cases():
        html = page_html(case)
        if html is None:
            continue
        file: Path = case["file"]
        old = file.read_text(encoding="utf-8") if file.exists() else ""
        note = json.loads(old).get("_note") if old else None
        new = render(case, actual_metadata(html, case["url"]), note)
        if new != old:
            changed += 1
            print(f"{'would change' if args.check else 'wrote'} {file.relative_to(REPO_ROOT)}")
            if not args.check:
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(new, encoding="utf-8")
    print(f"{changed} golden file(s) {'differ' if args.check else 'rewritten'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
