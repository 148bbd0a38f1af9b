"""A small news site of articles that are hard to recognise, and listings that look like prose.

Written for the tests (no real publisher's pages): the articles sit at neutral URLs
(``/p?id=N``), one with its story in ``<div>``s, one in ``<br>`` lines, some declare
``og:type=website``, some have no ``<title>`` or no heading at all. They are listed in a
Google News sitemap or a feed and linked from the home page. The listings (home, a tag
page, a teaser listing at a neutral URL, an about page) must never be archived.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.loopback import QuietHandler, serving

SUBJECTS = ["ferry timetable", "river wall repairs", "library archive", "market hall roof", "harbour dredging"]
PLACES = ["Wellmouth", "the old quay", "North Bank", "the county offices", "Saltmarsh Lane"]


def story(n: int) -> list[str]:
    """Six paragraphs of a made-up local story, different for each ``n``."""
    subject, place = SUBJECTS[n % 5], PLACES[(n * 2) % 5]
    return [
        f"Work on the {subject} at {place} will begin next month, the council confirmed on Tuesday after a "
        f"long consultation with residents and traders (story {n}).",
        f"Officials said the {subject} had been postponed twice because of funding gaps, and that the "
        f"contractor now has until the end of the summer to finish.",
        f"Residents near {place} told us they welcomed the plan but worried about noise, parking and the "
        "weekly market, which draws visitors from across the district.",
        f"A spokesperson for the works said crews would avoid the busiest hours and publish a schedule for "
        f"the {subject} on the town's notice boards every Friday.",
        f"The council expects the project at {place} to cost a little under two million pounds, most of it "
        "from a regional grant awarded last year.",
        f"Further meetings about the {subject} are planned for the spring, when the first phase is due to be "
        f"reviewed by the committee (report {n * 7}).",
    ]


def headline(n: int) -> str:
    return f"{SUBJECTS[n % 5].capitalize()} at {PLACES[(n * 2) % 5]} to start next month"


def _page(head: str, body: str) -> bytes:
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


NAV = ('<nav><a href="/">Home</a> <a href="/tag/river/">River news</a> <a href="/about/">About us</a></nav>'
       '<footer><a href="/about/">About the Wellmouth Courier</a> <a href="/privacy/">Privacy</a></footer>')


def _ld(n: int) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline(n),
            "datePublished": f"2026-03-{10 + n:02d}T09:00:00+00:00"}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _paragraphs(n: int) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in story(n))


def article_pages() -> dict[str, tuple[bytes, str]]:
    """path -> (page, the title source a crawl must record)."""
    return {
        # The story in <div>s: no <p> at all; JSON-LD says NewsArticle.
        "/p?id=1": (_page(f"<title>{headline(1)} | Wellmouth Courier</title>{_ld(1)}",
                          NAV + "<main><h1>" + headline(1) + "</h1>"
                          + "".join(f"<div class='para'>{html.escape(p)}</div>" for p in story(1)) + "</main>"),
                    "jsonld"),
        # <br>-separated lines, og:type=website, no structured data; listed in the news sitemap.
        "/p?id=2": (_page(f'<title>{headline(2)}</title><meta property="og:type" content="website">'
                          f'<meta property="og:title" content="{headline(2)}">',
                          NAV + "<div class='story'><h1>" + headline(2) + "</h1><div>"
                          + "<br><br>".join(html.escape(p) for p in story(2)) + "</div></div>"),
                    "og"),
        # No <title> and no meta titles: the article's <h1> (a site-wide <h1> logo comes first).
        "/p?id=3": (_page('<meta property="og:type" content="website">',
                          "<header><h1>Wellmouth Courier</h1></header>" + NAV
                          + f"<article><h1>{headline(3)}</h1>{_paragraphs(3)}</article>"),
                    "h1"),
        # No title anywhere: the story's first sentence; found only in the feed.
        "/p?id=4": (_page("", NAV + f"<div id='content'>{_paragraphs(4)}</div>"), "text"),
        # A brief of two paragraphs declaring nothing: too little to read as a story on its own;
        # the news sitemap that lists it says it is an article.
        # Its title only in <title>, after the site's name.
        "/p?id=5": (_page(f'<title>Wellmouth Courier | {headline(5)}</title>'
                          '<meta property="og:site_name" content="Wellmouth Courier">',
                          NAV + f"<div>{''.join(f'<p>{p}</p>' for p in story(5)[:2])}</div>"),
                    "title"),
    }


def _card(n: int) -> str:
    summary = story(n)[0]
    target = (n - 1) % 5 + 1  # (older stories lead to the archived ones: no 404s in the crawl)
    return f"<div class='card'><h2><a href='/p?id={target}'>{headline(n)}</a></h2><p>{html.escape(summary)}</p></div>"


def listing_pages() -> dict[str, bytes]:
    cards = "".join(_card(n) for n in range(1, 6))
    more = "".join(_card(n) for n in range(6, 12))
    return {
        "/": _page('<title>Wellmouth Courier</title><link rel="alternate" type="application/rss+xml" '
                   'href="/feed.xml"><meta property="og:type" content="website">',
                   NAV + f"<main>{cards}<a href='/p?id=99'>More stories</a></main>"),
        "/tag/river/": _page("<title>River news | Wellmouth Courier</title>", NAV + f"<main>{cards}</main>"),
        # A teaser listing at a neutral URL, declaring nothing: its summaries read like short prose.
        "/p?id=99": _page("<title>More stories</title>", NAV + f"<main>{cards}{more}</main>"),
        "/about/": _page("<title>About us</title>", NAV + "<main><h1>About us</h1><p>The Wellmouth Courier has "
                         "covered the town and the estuary since 1898. We are an independent newsroom of six "
                         "reporters and two photographers, funded by our readers and local advertisers.</p>"
                         "<p>Write to the editor at the old quay office; we read every letter.</p></main>"),
        "/privacy/": _page("<title>Privacy</title>", NAV + "<main><p>We keep as little data as we can.</p></main>"),
    }


def discovery_documents(base: str) -> dict[str, tuple[str, bytes]]:
    news = "".join(f"<url><loc>{base}/p?id={n}</loc><news:news><news:publication><news:name>Wellmouth Courier"
                   f"</news:name><news:language>en</news:language></news:publication><news:publication_date>"
                   f"2026-03-{10 + n:02d}</news:publication_date><news:title>{headline(n)}</news:title>"
                   "</news:news></url>" for n in (1, 2, 3, 5))
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + news + "</urlset>")
    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wellmouth Courier</title>'
            f"<link>{base}/</link><item><title>A story</title><link>{base}/p?id=4</link>"
            "<pubDate>Sat, 14 Mar 2026 09:00:00 GMT</pubDate></item></channel></rss>")
    return {"/robots.txt": ("text/plain", f"User-agent: *\nAllow: /\nSitemap: {base}/news-sitemap.xml\n".encode()),
            "/news-sitemap.xml": ("application/xml", sitemap.encode()),
            "/feed.xml": ("application/rss+xml", feed.encode())}


class HardSiteHandler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        base = f"http://{self.headers.get('Host')}"
        articles = article_pages()
        listings = listing_pages()
        documents = discovery_documents(base)
        if self.path in articles:
            self.reply(200, articles[self.path][0])
        elif self.path in listings:
            self.reply(200, listings[self.path])
        elif self.path in documents:
            ctype, body = documents[self.path]
            self.reply(200, body, ctype)
        else:
            self.reply(404, b"<html><body>not found</body></html>")


@contextmanager
def hard_site() -> Iterator[str]:
    with serving(HardSiteHandler) as url:
        yield url
