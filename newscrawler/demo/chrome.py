"""Shared page chrome and helpers of the demo site: escaping, dates, the WordPress theme.

The WordPress-like theme (top bar with "Connect with us", menu, sidebar widgets,
footer) frames the "wp" articles and every non-article page (home, listings,
about, contact, login, ...).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import escape

from newscrawler.demo.content import (
    ARTICLES, BASE_URL_PLACEHOLDER, MOST_READ, SECTIONS, SITE_NAME, SITE_TAGLINE, DemoArticle, article_by_slug,
    slugify,
)

BASE = BASE_URL_PLACEHOLDER
MOST_READ_ARTICLES = [article_by_slug(s) for s in MOST_READ]
SITE_DATE = "Monday, March 23, 2026"  # the site's "today" in the top bar

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZONES = {"+01:00": "CET", "+00:00": "GMT"}
_WORD = re.compile(r"\w+")


def esc(text: str) -> str:
    return escape(text, quote=False)


def attr(text: str) -> str:
    return escape(text, quote=True)


def alt_text(title: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in title.split())


def word_count(article: DemoArticle) -> int:
    return len(_WORD.findall(article.text))


def post_id(article: DemoArticle) -> int:
    return 1200 + 7 * ARTICLES.index(article)


def json_ld(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


# --- dates (locale-independent) ---------------------------------------------------------------


def fmt_long(article: DemoArticle) -> str:
    """``March 23, 2026``"""
    d = article.published_at
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def paper_iso(article: DemoArticle, value: str | None) -> str:
    """``value`` as the paper template writes it: without offset for ``naive_date`` articles."""
    value = value or article.published
    return value[:19] if article.naive_date else value


def fmt_paper(article: DemoArticle, value: str | None) -> str:
    """``Sun 22 Mar 2026 17.30 CET``"""
    value = value or article.published
    d = datetime.fromisoformat(value)
    zone = "" if article.naive_date else " " + _ZONES.get(value[19:], value[19:])
    return f"{_DAYS[d.weekday()][:3]} {d.day} {_MONTHS[d.month - 1][:3]} {d.year} {d:%H.%M}{zone}"


def fmt_legacy(article: DemoArticle) -> str:
    """``Sunday, March 22, 2026 - 09:05``"""
    d = article.published_at
    return f"{_DAYS[d.weekday()]}, {_MONTHS[d.month - 1]} {d.day}, {d.year} - {d:%H:%M}"


# --- story markup ----------------------------------------------------------------------------


def story_paragraphs(article: DemoArticle) -> list[str]:
    """The escaped paragraphs, with ``body_links`` phrases turned into links (each exactly once)."""
    out = [esc(p) for p in article.paragraphs]
    for phrase, slug in article.body_links:
        target, needle = article_by_slug(slug), esc(phrase)
        index = next(i for i, p in enumerate(out) if needle in p)
        out[index] = out[index].replace(needle, f'<a href="{target.path}">{needle}</a>', 1)
    return out


def byline_links(article: DemoArticle) -> str:
    return " and ".join(f'<a class="url fn n" href="/author/{slugify(n)}/">{esc(n)}</a>' for n in article.authors)


def nav_links(sep: str = " ") -> str:
    links = [("/", "Home"), *((f"/section/{s}/", n) for s, n in SECTIONS.items()), ("/about/", "About"),
             ("/contact/", "Contact")]
    return sep.join(f'<a href="{href}">{name}</a>' for href, name in links)


# --- the WordPress theme -------------------------------------------------------------------------


def wp_document(*, title: str, head: str, main: str, body_class: str, atom: bool = False) -> str:
    """A full page of the WordPress theme around ``main``; ``head`` holds the page's meta tags."""
    menu = "\n".join(f'<li class="menu-item">{link}</li>' for link in nav_links("\n").split("\n"))
    trending = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in MOST_READ_ARTICLES)
    categories = "\n".join(f'<li class="cat-item"><a href="/section/{s}/">{n}</a></li>' for s, n in SECTIONS.items())
    atom_link = (f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME} &raquo; Atom Feed" '
                 f'href="/atom.xml">\n' if atom else "")
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="/feed.xml">
{atom_link}<link rel="stylesheet" id="herald-style-css" href="/static/css/herald.css?ver=2.4.1" media="all">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag("js", new Date());</script>
</head>
<body class="{body_class}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div class="top-bar">
<div class="top-bar-date">{SITE_DATE}</div>
<div class="social-block"><span class="social-title">Connect with us</span>
<ul class="social-links">
<li><a href="https://www.facebook.com/harborherald" target="_blank" rel="noopener">Facebook</a></li>
<li><a href="https://x.com/harborherald" target="_blank" rel="noopener">X</a></li>
<li><a href="https://www.instagram.com/harborherald/" target="_blank" rel="noopener">Instagram</a></li>
<li><a href="https://www.youtube.com/@harborherald" target="_blank" rel="noopener">YouTube</a></li>
</ul></div>
<div class="top-bar-account"><a href="/subscribe/">Subscribe</a> <a href="/login/">Sign in</a></div>
</div>
<header id="masthead" class="site-header">
<div class="site-branding">
<a href="/" class="custom-logo-link" rel="home"><img src="/static/img/logo.png" class="custom-logo" alt="{SITE_NAME}" width="240" height="60"></a>
<p class="site-title"><a href="/" rel="home">{SITE_NAME}</a></p>
<p class="site-description">{SITE_TAGLINE}</p>
</div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary menu">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">
{menu}
</ul>
</nav>
<form role="search" method="get" class="search-form" action="/search/"><label><span class="screen-reader-text">Search for:</span> <input type="search" class="search-field" placeholder="Search &hellip;" name="q"></label> <input type="submit" class="search-submit" value="Search"></form>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
{main}
</main>
</div>
<aside id="secondary" class="widget-area">
<section class="widget widget_trending"><h2 class="widget-title">Trending</h2>
<ol>
{trending}
</ol></section>
<section class="widget widget_newsletter"><h2 class="widget-title">Subscribe to our newsletter</h2>
<p>Get the day’s top stories from Port Alder in your inbox every morning.</p>
<form action="/newsletter/subscribe/" method="post"><input type="email" name="email" placeholder="Your email address" required> <button type="submit">Subscribe</button></form>
</section>
<section class="widget widget_categories"><h2 class="widget-title">Categories</h2>
<ul>
{categories}
</ul></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
<nav class="footer-navigation" aria-label="Footer menu"><ul>
<li><a href="/about/">About us</a></li>
<li><a href="/contact/">Contact</a></li>
<li><a href="/privacy/">Privacy policy</a></li>
<li><a href="/subscribe/">Subscribe</a></li>
</ul></nav>
<div class="site-info">&copy; 2026 {SITE_NAME}. All rights reserved. <span class="sep"> | </span> Proudly powered by WordPress <span class="sep"> | </span> Theme: NewsBlock by Tidewright Themes.</div>
</footer>
</div>
</body>
</html>
"""
