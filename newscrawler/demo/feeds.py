"""robots.txt, sitemaps (index, posts, Google News) and feeds (RSS 2.0, Atom) of the demo site.

Absolute URLs use the ``__BASE_URL__`` placeholder, replaced by the server.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newscrawler.demo.chrome import BASE, post_id
from newscrawler.demo.content import (
    SECTIONS, SITE_NAME, SITE_TAGLINE, DemoArticle, atom_articles, news_sitemap_articles, rss_articles,
    sitemap_articles, slugify,
)

_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITE_UPDATED = "2026-03-23T11:45:00+01:00"  # the newest date on the site


def _x(text: str) -> str:
    return escape(text)


def _lastmod(a: DemoArticle) -> str:
    return a.modified or a.published


def render_robots() -> str:
    return f"""User-agent: *
Disallow: /private/
Disallow: /search/
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: {BASE}/sitemap_index.xml
"""


def render_sitemap_index() -> str:
    newest = _lastmod(sitemap_articles()[0])
    entries = "".join(f"<sitemap>\n<loc>{BASE}/{name}</loc>\n<lastmod>{newest}</lastmod>\n</sitemap>\n"
                      for name in ("sitemap-posts.xml", "news-sitemap.xml"))
    return f'{_XML}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n'


def render_sitemap_posts() -> str:
    """The ordinary sitemap: homepage, section pages, about page and the ``in_sitemap`` articles."""
    urls = [(f"{BASE}/", SITE_UPDATED, "hourly", "1.0")]
    urls += [(f"{BASE}/section/{s}/", SITE_UPDATED, "daily", "0.6") for s in SECTIONS]
    urls.append((f"{BASE}/about/", "2026-01-05T10:00:00+01:00", "yearly", "0.3"))
    urls += [(BASE + a.path, _lastmod(a), "weekly", "0.8") for a in sitemap_articles()]
    body = "".join(f"<url>\n<loc>{_x(loc)}</loc>\n<lastmod>{mod}</lastmod>\n<changefreq>{freq}</changefreq>\n"
                   f"<priority>{prio}</priority>\n</url>\n" for loc, mod, freq, prio in urls)
    return f'{_XML}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</urlset>\n'


def render_news_sitemap() -> str:
    body = "".join(f"""<url>
<loc>{BASE}{a.path}</loc>
<news:news>
<news:publication>
<news:name>{_x(SITE_NAME)}</news:name>
<news:language>{a.language}</news:language>
</news:publication>
<news:publication_date>{a.published}</news:publication_date>
<news:title>{_x(a.title)}</news:title>
</news:news>
</url>
""" for a in news_sitemap_articles())
    return (f'{_XML}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{body}</urlset>\n')


def render_rss() -> str:
    items = []
    for a in rss_articles():
        creators = "".join(f"<dc:creator><![CDATA[{n}]]></dc:creator>\n" for n in a.authors)
        categories = "".join(f"<category><![CDATA[{c}]]></category>\n" for c in (a.section, *a.tags))
        items.append(f"""<item>
<title>{_x(a.title)}</title>
<link>{BASE}{a.path}</link>
{creators}<pubDate>{format_datetime(a.published_at)}</pubDate>
{categories}<guid isPermaLink="false">{BASE}/?p={post_id(a)}</guid>
<description><![CDATA[{a.description}]]></description>
</item>
""")
    build_date = format_datetime(datetime.fromisoformat(SITE_UPDATED))
    return f"""{_XML}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
<title>{_x(SITE_NAME)}</title>
<atom:link href="{BASE}/feed.xml" rel="self" type="application/rss+xml"/>
<link>{BASE}/</link>
<description>{_x(SITE_TAGLINE)}</description>
<lastBuildDate>{build_date}</lastBuildDate>
<language>en-US</language>
<sy:updatePeriod>hourly</sy:updatePeriod>
<sy:updateFrequency>1</sy:updateFrequency>
<generator>https://wordpress.org/?v=6.4.3</generator>
<image>
<url>{BASE}/static/img/logo.png</url>
<title>{_x(SITE_NAME)}</title>
<link>{BASE}/</link>
</image>
{"".join(items)}</channel>
</rss>
"""


def render_atom() -> str:
    entries = []
    for a in atom_articles():
        authors = "".join(f"<author><name>{_x(n)}</name><uri>{BASE}/author/{slugify(n)}/</uri></author>\n"
                          for n in a.authors)
        categories = "".join(f'<category term="{_x(t)}"/>\n' for t in a.tags)
        entries.append(f"""<entry>
<title type="html">{_x(a.title)}</title>
<link rel="alternate" type="text/html" href="{BASE}{a.path}"/>
<id>tag:harborherald.example,2026:post-{post_id(a)}</id>
<published>{a.published}</published>
<updated>{_lastmod(a)}</updated>
{authors}{categories}<summary type="html">{_x(a.description)}</summary>
</entry>
""")
    return f"""{_XML}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
<title type="text">{_x(SITE_NAME)}</title>
<subtitle type="text">{_x(SITE_TAGLINE)}</subtitle>
<updated>{SITE_UPDATED}</updated>
<link rel="alternate" type="text/html" href="{BASE}/"/>
<link rel="self" type="application/atom+xml" href="{BASE}/atom.xml"/>
<id>{BASE}/atom.xml</id>
<author><name>{_x(SITE_NAME)}</name></author>
<generator uri="https://wordpress.org/" version="6.4.3">WordPress</generator>
{"".join(entries)}</feed>
"""


def render_feeds() -> dict[str, str]:
    """robots.txt, sitemaps and feeds keyed by URL path."""
    return {
        "/robots.txt": render_robots(),
        "/sitemap_index.xml": render_sitemap_index(),
        "/sitemap-posts.xml": render_sitemap_posts(),
        "/news-sitemap.xml": render_news_sitemap(),
        "/feed.xml": render_rss(),
        "/atom.xml": render_atom(),
    }
