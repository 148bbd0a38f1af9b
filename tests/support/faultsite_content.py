"""What the fault site (tests/support/faultserver.py) serves: good articles, the bad pages, hostile XML.

Good pages must be archived with the text fragments of :attr:`Good.expect`; the bad pages
of :data:`BAD` must fail with the given reason; the builders make the bombs and the
hostile feeds and sitemaps.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

MARKER = "XXE-LOCAL-FILE-MARKER-7f3a9c"  # the contents of the local file nobody may read
LAUGHS = "lollollollol"

WORDS = ("the council said the harbour works would continue through the winter while ferry services "
         "ran on a reduced timetable and residents were asked to use the northern footbridge").split()


def paragraphs(topic: str, n: int = 6) -> list[str]:
    """``n`` distinct paragraphs of plain English about ``topic`` (enough words to be an article)."""
    out = []
    for i in range(n):
        words = WORDS[i:] + WORDS[:i]
        out.append(f"{topic} report, part {i + 1}: " + " ".join(words).capitalize() + ".")
    return out


def article_html(title: str, paras: list[str], head: str = "", published: str = "2026-11-20T08:00:00Z") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html lang='en'><head>{head}<title>{title}</title>"
            f"<meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='{published}'></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>")


@dataclass(frozen=True)
class Good:
    """A page that must be archived: its path, title, topic, and text its archived text must contain."""

    path: str
    title: str
    topic: str
    extra: str = ""  # a sentence with tricky characters, first in the article

    @property
    def expect(self) -> tuple[str, ...]:
        return (f"{self.topic} report, part 1", *([self.extra] if self.extra else []))

    def html(self, head: str = "") -> str:
        return article_html(self.title, [*([self.extra] if self.extra else []), *paragraphs(self.topic)], head)


CP1252_TEXT = "Café owners in Zürich said the “new rules” cost them €300 — a naïve plan, said Ms Åberg."
SJIS_TEXT = "東京の港で新しい橋が開通しました。市長は「安全第一」と述べた。"
LATIN1_TEXT = "Søren’s café in Århus — “naïve” façades, crème brûlée and a señora from Málaga."
TRUNCATED_TAIL = "The last sentence anyone will ever read of this story is cut off in the midd"

GOOD: list[Good] = [
    Good("/2026/11/20/harbour-bridge-reopens/", "Harbour bridge reopens", "Bridge"),
    Good("/2026/11/20/cafe-prices-cp1252/", "Café prices rise", "Cafe", CP1252_TEXT),
    Good("/2026/11/20/tokyo-bridge-shift-jis/", "東京の橋", "Tokyo", SJIS_TEXT),
    Good("/2026/11/20/arhus-cafe-utf8-labelled-latin1/", "Århus café", "Arhus", LATIN1_TEXT),
    Good("/2026/11/20/nul-bytes-in-malformed-html/", "Ferry timetable changes", "Ferry"),
    Good("/2026/11/20/truncated-story/", "Truncated story", "Truncated"),
    Good("/2026/11/20/recovers-after-503/", "Recovers after 503", "Recovery"),
    Good("/2026/11/20/recovers-after-429/", "Recovers after 429", "Throttle"),
    Good("/2026/11/20/recovers-after-reset/", "Recovers after reset", "Reset"),
    Good("/2026/11/20/chain-end/", "End of a redirect chain", "Chain"),
    Good("/2026/11/20/refreshed/", "Reached by meta refresh", "Refresh"),
    Good("/2026/11/20/gzipped-story/", "Gzipped story", "Gzip"),
    Good("/2026/11/21/only-in-sitemap-broken-date/", "Only in the sitemap", "Sitemap"),
    Good("/2026/11/21/only-in-feed/", "Only in the feed", "Feed"),
    Good("/2026/11/21/only-in-laughs-feed/", "Only in the hostile feed", "Laughs"),
]
GOOD_BY_PATH = {g.path: g for g in GOOD}

# Pages whose every request fails; nothing from them may be archived. path -> expected failure reason.
BAD: dict[str, str] = {
    "/2026/11/19/gone-404/": "http_404",
    "/2026/11/19/gone-410/": "http_410",
    "/2026/11/19/forbidden-403/": "http_403",
    "/2026/11/19/broken-500/": "http_500",
    "/2026/11/19/down-503/": "http_503",
    "/2026/11/19/redirect-loop/": "redirect_loop",
    "/2026/11/19/slow-headers/": "timeout",
    "/2026/11/19/slow-body/": "timeout",
    "/2026/11/19/reset-before-any-byte/": "connection_lost",
    "/2026/11/19/reset-mid-body/": "data_loss",
    "/2026/11/19/short-read/": "data_loss",
    "/2026/11/19/huge-page/": "too_large",
    "/2026/11/19/huge-page-streamed/": "too_large",
    "/2026/11/19/pdf-as-html/": "not_html",
    "/2026/11/19/png-as-html/": "not_html",
    "/2026/11/19/gzip-bomb/": "decompression_bomb",
    "/2026/11/19/corrupt-gzip/": "corrupt_gzip",
}
EMPTY = "/2026/11/19/empty-body/"  # a 200 with no body: nothing to archive, nothing to crash on


def gzip_bomb(head: bytes, inflated: int) -> bytes:
    """Gzip data of ``head`` then spaces up to ``inflated`` bytes, built from repeated gzip members.

    A gzip stream may hold many members (RFC 1952); a megabyte of spaces compresses to about
    a kilobyte, so the bomb is built in milliseconds and ~0.5 MB on the wire for 512 MB.
    """
    mib = 1 << 20
    member = gzip.compress(b" " * mib, compresslevel=9, mtime=0)
    return gzip.compress(head, mtime=0) + member * (inflated // mib)


def billion_laughs(root: str, inner: str, extra: str = "") -> bytes:
    """An XML document whose ``&lol9;`` expands to 10**9 ``lol``s (3 GB) if entities are expanded."""
    entities = [f"<!ENTITY lol '{LAUGHS[:3]}'>"]
    for i in range(1, 10):
        prev = "lol" if i == 1 else f"lol{i - 1}"
        entities.append(f"<!ENTITY lol{i} '{('&' + prev + ';') * 10}'>")
    xmlns = " xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'" if root == "urlset" else " version='2.0'"
    return (f"<?xml version='1.0'?><!DOCTYPE {root} [{''.join(entities)}{extra}]>"
            f"<{root}{xmlns}>{inner}</{root}>").encode()


def sitemap_100k(base: str) -> bytes:
    """A gzipped sitemap of 100,000 URLs, all last modified long ago (``--since`` skips them)."""
    head = b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
    rows = b"".join(f"<url><loc>{base}/2026/10/01/old-{i}/</loc><lastmod>2001-01-01</lastmod></url>".encode()
                    for i in range(100_000))
    return gzip.compress(head + rows + b"</urlset>", compresslevel=6, mtime=0)


def sitemap(base: str, recorder: str) -> bytes:
    """The site's sitemap: broken and missing dates, and an entry on another host."""
    entries = [("/2026/11/21/only-in-sitemap-broken-date/", "2026-02-30T25:61:00Z"),
               ("/2026/11/20/harbour-bridge-reopens/", "yesterday"), ("/2026/11/19/gone-404/", "")]
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{d}</lastmod></url>" for p, d in entries)
    return (f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}"
            f"<url><loc>{recorder}/from-sitemap</loc></url></urlset>").encode()


def xxe_sitemap(base: str, marker_file: str) -> bytes:
    """A sitemap whose URL would carry the local file's contents, were the external entity read."""
    return ("<?xml version='1.0'?>"
            f"<!DOCTYPE urlset [<!ENTITY xxe SYSTEM 'file://{marker_file}'>]>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{base}/2026/11/21/xxe-&xxe;/</loc></url></urlset>").encode()


def feed(base: str, recorder: str) -> bytes:
    """The site's RSS feed: a garbage pubDate, and an item on another host."""
    return ("<?xml version='1.0'?><rss version='2.0'><channel><title>Fault News</title>"
            f"<item><title>Feed only</title><link>{base}/2026/11/21/only-in-feed/</link>"
            "<pubDate>Blursday, 45 Smarch 2026 25:61:00 XYZ</pubDate></item>"
            f"<item><title>Elsewhere</title><link>{recorder}/from-feed</link></item>"
            "</channel></rss>").encode()


def nested_json_feed(depth: int = 100_000) -> bytes:
    """A JSON Feed whose first item is nested ``depth`` arrays deep: a recursive parser's stack overflow."""
    return b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"[" * depth + b"]" * depth + b"]}"


def laughs_feed(base: str, marker_file: str) -> bytes:
    """A feed with a billion laughs and an external entity, and one good item among them."""
    return billion_laughs("rss", (
        f"<channel><title>&lol9;</title><item><title>&lol9;</title><description>&lol9;</description>"
        f"<link>{base}/2026/11/21/only-in-laughs-feed/</link></item>"
        f"<item><title>xxe</title><link>{base}/2026/11/21/feed-xxe-&xxe;/</link></item></channel>"),
        extra=f"<!ENTITY xxe SYSTEM 'file://{marker_file}'>")
