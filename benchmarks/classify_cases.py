"""The pages of the article-decision benchmark (:mod:`benchmarks.classify`): what must be
archived and what must not.

Positives: every news-dev page at a neutral URL (``/p?id=N``: the URL says nothing), as
published and as each of :data:`benchmarks.variants.ARTICLE_VARIANTS`. Negatives: every
listing and site page of the demo site and of the test fixtures, at its own URL as
published, then at a neutral URL as published and as each of
:data:`benchmarks.variants.LISTING_VARIANTS` (at its own URL the URL alone decides, so
the variants would measure nothing of the page).
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.variants import ARTICLE_VARIANTS, LISTING_VARIANTS
from newscrawler.process.page import decode_page

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
BASE = "http://127.0.0.1:8000"  # only the URL string matters: nothing is fetched from it
NEGATIVE_IDS = 1000  # neutral URLs of negatives start at /p?id=1000
SERVED = "text/html"  # as published: the page's own charset declarations decide
REWRITTEN = "text/html; charset=utf-8"  # a variant is lxml's serialization, in UTF-8


@dataclass(frozen=True)
class Page:
    """One page as published: its label, URL, bytes, and (for an article) its story paragraphs."""

    source: str  # corpus file name, or ``site:path`` of a fixture page
    url: str
    body: bytes
    story: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One page to decide: which set and variant it is, at which URL, and how to make its body."""

    positive: bool
    variant: str  # "original", "neutral_url" or a name of benchmarks.variants
    page: Page
    url: str

    @property
    def kind(self) -> str:
        return "positive" if self.positive else "negative"

    def job_body(self) -> tuple[bytes, str]:
        """(body, Content-Type) to hand to ``process_page``: the page's bytes, or the variant's."""
        if self.variant in ("original", "neutral_url"):
            return self.page.body, SERVED
        text = decode_page(self.page.body, SERVED)[1]
        variants = ARTICLE_VARIANTS if self.positive else LISTING_VARIANTS
        return variants[self.variant](text, self.page.story).encode("utf-8"), REWRITTEN


def neutral_url(n: int) -> str:
    return f"{BASE}/p?id={n}"


def corpus_pages(corpus: Path) -> list[Page]:
    """The news-dev pages (sorted by file name), each at ``/p?id=N``, with their story paragraphs."""
    truth = json.loads((corpus / "ground_truth.json").read_text(encoding="utf-8"))
    return [Page(name, neutral_url(n), gzip.decompress((corpus / "html" / name).read_bytes()),
                 tuple(entry.get("body", [])))
            for n, (name, entry) in enumerate(sorted(truth.items()))]


def positive_cases(pages: Sequence[Page]) -> list[Case]:
    return [Case(True, variant, page, page.url) for variant in ("original", *ARTICLE_VARIANTS) for page in pages]


def negative_cases(pages: Sequence[Page]) -> list[Case]:
    cases = [Case(False, "original", page, page.url) for page in pages]
    for variant in ("neutral_url", *LISTING_VARIANTS):
        cases += [Case(False, variant, page, neutral_url(NEGATIVE_IDS + n)) for n, page in enumerate(pages)]
    return cases


def demo_pages() -> list[Page]:
    """Every non-article HTML page of the demo site (home, sections and their pages, tags,
    authors, about/contact/login/subscribe/privacy/search, the 404 page), as the server fills them in."""
    from newscrawler.demo.content import BASE_URL_PLACEHOLDER
    from newscrawler.demo.pages import render_pages

    return [Page(f"demo:{path}", BASE + path, text.replace(BASE_URL_PLACEHOLDER, BASE).encode("utf-8"))
            for path, text in render_pages().items()]


FAULT_PATHS = ("/", "/calendar/2026/11/", "/2026/11/20/meta-refresh-start/")


def fault_pages() -> list[Page]:
    """The fault site's non-article pages (home, its endless calendar, a meta-refresh stub), fetched
    from the real fixture server on 127.0.0.1."""
    from tests.support.faultserver import FaultSite

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    pages = []
    with tempfile.TemporaryDirectory() as tmp, FaultSite(Path(tmp)) as site:
        for path in FAULT_PATHS:
            with opener.open(site.base_url + path, timeout=30) as response:
                body = response.read().replace(site.base_url.encode(), BASE.encode())
            pages.append(Page(f"fault:{path}", BASE + path, body))
    return pages


def changing_site_pages() -> list[Page]:
    """The home page of the changing site (tests/support/changing_site.py) with three stories."""
    from tests.support.changing_site import BASE as PLACEHOLDER, ChangingSite

    with tempfile.TemporaryDirectory() as tmp:
        site = ChangingSite(Path(tmp))
        for slug in ("harbour-bridge-reopens", "ferry-timetable-changes", "library-opens-sundays"):
            site.add(slug)
        site.write()
        body = (Path(tmp) / "index.html").read_text(encoding="utf-8")
    return [Page("changing:/", BASE + "/", body.replace(PLACEHOLDER, BASE).encode("utf-8"))]


DATA_LISTINGS = {"section_listing.html": "/category/local/"}  # tests/data/extraction file -> its URL path


def data_pages() -> list[Page]:
    """The listing pages among tests/data/extraction, at the URL path the tests give them."""
    folder = TESTS / "data" / "extraction"
    return [Page(f"data:{name}", BASE + path, (folder / name).read_bytes()) for name, path in DATA_LISTINGS.items()]


def listing_pages() -> Iterator[Page]:
    """The demo site's and every fixture's listing and site pages (fixtures only in a checkout with tests/)."""
    yield from demo_pages()
    if not TESTS.is_dir():
        print(f"no {TESTS}: the fixtures' listing pages are left out", file=sys.stderr)
        return
    yield from fault_pages()
    yield from changing_site_pages()
    yield from data_pages()
