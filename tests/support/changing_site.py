"""A small news site written to a directory, changed between crawls by the tests.

Pages: ``/`` (links to every article, announces ``/feed.xml``), ``/robots.txt``
(points at ``/sitemap.xml``), ``/sitemap.xml`` (with ``lastmod``), ``/feed.xml``
(RSS) and one page per article at ``/2026/01/<slug>.html`` with JSON-LD. Served
by ``DemoServer(root=...)``, which answers conditional requests with 304.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE = "__BASE_URL__"
WORDS = ("harbor ferry council budget bridge river market school library festival weather tide "
         "station museum garden league park clinic rail quay").split()


def paragraphs(seed: str, n: int = 4) -> list[str]:
    out = []
    for i in range(n):
        words = [WORDS[(len(seed) * 7 + i * 5 + j * 3 + ord(seed[j % len(seed)])) % len(WORDS)] for j in range(28)]
        out.append(f"The {seed} story, part {i + 1}: " + " ".join(words) + ".")
    return out


@dataclass
class Story:
    slug: str
    title: str
    body: list[str]
    published: str = "2026-01-05T09:00:00+00:00"
    lastmod: str = "2026-01-05T09:00:00+00:00"

    @property
    def path(self) -> str:
        return f"/2026/01/{self.slug}.html"


@dataclass
class ChangingSite:
    root: Path
    stories: dict[str, Story] = field(default_factory=dict)
    lang: str | None = "en"

    def add(self, slug: str, title: str | None = None) -> Story:
        story = Story(slug, title or f"{slug.replace('-', ' ').title()} makes the news", paragraphs(slug))
        self.stories[slug] = story
        return story

    def edit(self, slug: str, title: str | None = None, extra: str = "A correction was appended.") -> Story:
        story = self.stories[slug]
        story.title = title or story.title
        story.body = [*story.body, extra]
        story.lastmod = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return story

    def remove(self, slug: str) -> Story:
        story = self.stories.pop(slug)
        (self.root / story.path.lstrip("/")).unlink()
        return story

    def write(self) -> None:
        """(Re)write every file whose content changed (unchanged files keep their ETag)."""
        files = {"index.html": self._index(), "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {BASE}/sitemap.xml\n",
                 "sitemap.xml": self._sitemap(), "feed.xml": self._feed()}
        for story in self.stories.values():
            files[story.path.lstrip("/")] = self._article(story)
        for name, text in files.items():
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")

    def _index(self) -> str:
        items = "\n".join(f'<li><a href="{s.path}">{s.title}</a></li>' for s in self.stories.values())
        return (f'<!doctype html><html lang="en"><head><title>The Changing Gazette</title>'
                f'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
                f"<body><h1>The Changing Gazette</h1><ul>{items}</ul></body></html>\n")

    def _sitemap(self) -> str:
        urls = "".join(f"<url><loc>{BASE}{s.path}</loc><lastmod>{s.lastmod}</lastmod></url>"
                       for s in self.stories.values())
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'

    def _feed(self) -> str:
        items = "".join(f"<item><title>{s.title}</title><link>{BASE}{s.path}</link>"
                        f"<pubDate>Mon, 05 Jan 2026 09:00:00 GMT</pubDate></item>" for s in self.stories.values())
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title><link>{BASE}/</link>'
                f"{items}</channel></rss>\n")

    def _article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": story.published, "author": {"@type": "Person", "name": "Ada Reporter"}}
        body = "".join(f"<p>{p}</p>" for p in story.body)
        lang = f' lang="{self.lang}"' if self.lang else ""
        return (f'<!doctype html><html{lang}><head><title>{story.title}</title>'
                f'<link rel="canonical" href="{BASE}{story.path}">'
                f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
                f'<body><nav><a href="/">Home</a></nav><article><h1>{story.title}</h1>{body}</article></body></html>\n')
