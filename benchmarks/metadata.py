"""Metadata accuracy against hand labels: title, authors, publication day, language, section.

Labels are JSON files written by hand from what each page shows a reader (see
``tests/golden/labels/README.md``): ``tests/golden/labels/news-dev/`` for the news-dev pages
(read in place from ``../shared/corpus/news-dev``) and ``tests/golden/labels/intl/`` for pages
we wrote in other languages and older layouts (``tests/data/metadata/``).

A field is right when (after normalising space, quotes, dashes and case):
- title: equals the label's headline or one of its alternatives;
- authors: the same set of names as the byline's people and agencies (a byline that names
  only a desk, ``generic_byline``, may be given as that credit or as no author);
- day: the local publication day the page shows (``published_at`` in its own offset);
- language: the primary subtag;
- section: the label's section or one of its alternatives; no section where the label has none.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
LABELS = REPO_ROOT / "tests" / "golden" / "labels"
PAGES = REPO_ROOT / "tests" / "data" / "metadata"
OLD_PAGES = REPO_ROOT / "tests" / "data" / "oldlayouts"  # older layouts, labelled in labels/oldlayouts/
NEWS_DEV = REPO_ROOT.parent / "shared" / "corpus" / "news-dev"
FIELDS = ("title", "authors", "day", "language", "section")

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_NAME_DROP = re.compile(r"[.\u00b7]")


@dataclass
class Label:
    """What a reader sees on one page."""

    name: str
    url: str
    title: str | None
    title_alternatives: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    generic_byline: str | None = None
    day: str | None = None
    section: str | None = None
    section_alternatives: list[str] = field(default_factory=list)
    language: str | None = None
    body: list[str] = field(default_factory=list)


@dataclass
class Found:
    """What one system read off a page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    day: str | None = None
    language: str | None = None
    section: str | None = None


@dataclass
class LabelledPage:
    label: Label
    html: str
    set_name: str  # news-dev, intl or old


def norm_text(value: str | None) -> str:
    """Case-folded text with quotes, dashes and space made uniform."""
    text = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


def norm_name(value: str) -> str:
    return _SPACE.sub(" ", _NAME_DROP.sub(" ", norm_text(value))).strip()


def load_label(path: Path) -> Label:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Label(
        name=raw["file"], url=raw.get("url", ""), title=raw.get("title"),
        title_alternatives=list(raw.get("title_alternatives") or []), authors=list(raw.get("authors") or []),
        generic_byline=raw.get("generic_byline"), day=raw.get("day"), section=raw.get("section"),
        section_alternatives=list(raw.get("section_alternatives") or []), language=raw.get("language"),
        body=list(raw.get("body") or []),
    )


def load_pages(labels: Path = LABELS, pages: Path = PAGES, news_dev: Path = NEWS_DEV) -> list[LabelledPage]:
    """Every labelled page whose HTML is here (news-dev pages only where the corpus is)."""
    out: list[LabelledPage] = []
    for path in sorted((labels / "news-dev").glob("*.json")):
        label = load_label(path)
        page = news_dev / "html" / label.name
        if page.is_file():
            out.append(LabelledPage(label, gzip.decompress(page.read_bytes()).decode("utf-8", "replace"), "news-dev"))
    for path in sorted((labels / "intl").glob("*.json")):
        label = load_label(path)
        out.append(LabelledPage(label, (pages / label.name).read_text(encoding="utf-8"), "intl"))
    for path in sorted((labels / "oldlayouts").glob("*.json")):
        label = load_label(path)
        out.append(LabelledPage(label, _decoded(OLD_PAGES / label.name), "old"))
    return out


def _decoded(path: Path) -> str:
    """A page file decoded as the crawl decodes a response (meta charset, else detection)."""
    from newscrawler.process.page import decode_page

    return decode_page(path.read_bytes(), "text/html")[1]


def judge(label: Label, found: Found) -> dict[str, bool]:
    """Which fields ``found`` has right."""
    titles = {norm_text(t) for t in [label.title, *label.title_alternatives] if t}
    expected = {norm_name(a) for a in label.authors}
    got = {norm_name(a) for a in found.authors if norm_name(a)}
    authors_ok = got == expected or (not expected and label.generic_byline is not None
                                     and got <= {norm_name(label.generic_byline)})
    sections = {norm_text(s) for s in [label.section, *label.section_alternatives] if s}
    section_ok = (norm_text(found.section) in sections) if found.section else label.section is None
    return {
        "title": norm_text(found.title) in titles if titles else not found.title,
        "authors": authors_ok,
        "day": found.day == label.day,
        "language": (found.language or None) == (label.language or None),
        "section": section_ok,
    }


def ours(html: str, url: str) -> Found:
    from newscrawler.extract.extractor import extract_article

    article = extract_article(html, url)
    if article is None:
        return Found()
    day = article.published_at.date().isoformat() if article.published_at else None
    return Found(article.title, list(article.authors), day, article.language, article.section)


def trafilatura_found(html: str, url: str) -> Found:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return Found()
    authors = [a.strip() for a in (getattr(doc, "author", None) or "").split(";") if a.strip()]
    categories = list(getattr(doc, "categories", None) or [])
    return Found(getattr(doc, "title", None), authors, getattr(doc, "date", None),
                 getattr(doc, "language", None), categories[0] if categories else None)


SYSTEMS: dict[str, Callable[[str, str], Found]] = {"extract_article": ours, "trafilatura": trafilatura_found}


@dataclass
class FieldScores:
    """Per system and page set: how many pages have each field right, and the misses."""

    pages: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    given: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))  # pages with a value

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.pages if self.pages else 0.0


def _expected(label: Label, name: str) -> Any:
    return label.authors if name == "authors" else getattr(label, name)


def score_pages(pages: Iterable[LabelledPage], system: Callable[[str, str], Found]) -> dict[str, FieldScores]:
    """Scores per page set (and ``all``) of one system."""
    out: dict[str, FieldScores] = {}
    for page in pages:
        try:
            found = system(page.html, page.label.url)
        except Exception:  # a crash reads nothing
            found = Found()
        verdict = judge(page.label, found)
        for key in (page.set_name, "all"):
            scores = out.setdefault(key, FieldScores())
            scores.pages += 1
            for name, ok in verdict.items():
                scores.right[name] += ok
                scores.given[name] += bool(getattr(found, name))
                if not ok:
                    scores.misses[name].append((page.label.name, _expected(page.label, name), getattr(found, name)))
    return out


def table(results: dict[str, dict[str, FieldScores]]) -> list[str]:
    """One line per system and page set: pages and the accuracy of each field."""
    lines = [f"{'system':18} {'set':9} {'pages':>5} " + " ".join(f"{n:>8}" for n in FIELDS)]
    for system, per_set in results.items():
        for set_name, scores in sorted(per_set.items(), key=lambda kv: kv[0] == "all"):
            cells = " ".join(f"{scores.accuracy(n):8.3f}" if scores.given[n] else f"{'-':>8}" for n in FIELDS)
            lines.append(f"{system:18} {set_name:9} {scores.pages:5d} {cells}")
    return lines


# Issue 20's targets, on every labelled page ("all").
TARGETS = {"title": 0.95, "authors": 0.90, "day": 0.97, "language": 0.98}


def target_lines(scores: FieldScores) -> list[str]:
    """One line per target: the figure and whether it is met."""
    return [f"  {f'{name} >= {goal:.2f}':<20}{scores.accuracy(name):8.3f}  {'met' if scores.accuracy(name) >= goal else 'MISSED'}"
            for name, goal in TARGETS.items()]


def miss_lines(scores: FieldScores, limit: int = 12) -> list[str]:
    """The misses of one system, field by field (expected -> found)."""
    out: list[str] = []
    for name in FIELDS:
        misses = scores.misses[name]
        if misses:
            out.append(f"  {name}: {len(misses)} missed")
        for page, expected, got in misses[:limit]:
            out.append(f"    {page}: {expected!r} -> {got!r}")
    return out
