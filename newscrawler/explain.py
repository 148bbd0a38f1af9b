"""``newscrawler explain URL``: every decision about one page, with its evidence.

What a user runs when an article is missing (as ``scrapy parse`` serves a spider
author): the page is fetched the way a crawl fetches it (robots.txt, address guard,
body guard, redirects; :class:`newscrawler.spiders.explain.ExplainSpider`), or read from
the archive's raw copy with ``from_archive``, then decided on exactly as in a crawl
(:func:`newscrawler.process.page.process_page`). The archive adds what the last crawl
recorded about the URL (its state and reason) and whether the body repeats a stored
article. Nothing is written.

Twisted's reactor cannot restart: a process explains one fetched URL (the CLI's case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import Engine

from archive.article import Article
from archive.state import UrlState
from archive.trace import body_owner, stored_page, stored_under, url_trace
from archive.urls import canonicalize_url
from newscrawler.config import setting_default
from newscrawler.extract.profile import Profile
from newscrawler.process.page import PageJob, PageResult, process_page

VIA_CHOICES = ("link", "sitemap", "sitemap_lastmod", "feed", "news_sitemap", "archived")


@dataclass
class Explanation:
    """The decisions about one URL, in the order the crawl takes them."""

    url: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # (topic, what was decided and why)
    stored: bool = False  # whether a crawl would store (or update) an article from it
    verdict: str = ""

    def add(self, topic: str, text: str) -> None:
        self.steps.append((topic, text))

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "steps": [{"topic": t, "text": x} for t, x in self.steps],
                "would_store": self.stored, "verdict": self.verdict}


def explain(url: str, engine: Engine | None, via: str | None = None, from_archive: bool = False,
            settings: dict[str, Any] | None = None, min_words: int | None = None,
            profile: Profile | None = None) -> Explanation:
    """Explain what a crawl decides about ``url`` (``engine``: the archive, read-only, or None; ``min_words``:
    ARTICLE_MIN_WORDS's default unless given; ``profile``: the site's publisher profile)."""
    out = Explanation(url)
    if profile is not None:
        fields = ", ".join(dict.fromkeys(name for name, _ in profile.selectors()))
        out.add("profile", f"the site's publisher profile applies ({fields})")
    trace = url_trace(engine, url) if engine is not None else None
    if trace is not None:
        out.add("archive", _state_line(trace.state, trace.article.id if trace.article else None))
    if via is None and trace is not None and trace.state is not None and trace.state.kind == "article":
        via = "archived"
    if from_archive:
        result = _from_archive(out, engine, trace, via, profile)
    else:
        result = _fetched(out, url, via, settings or {}, profile)
    if result is not None:
        _decided(out, engine, url, result, setting_default("ARTICLE_MIN_WORDS") if min_words is None else min_words)
    return out


def _state_line(state: UrlState | None, article_id: int | None) -> str:
    if state is None:
        return "no crawl has met this URL" if article_id is None else f"stored as article {article_id}"
    fetched = f"last fetched {state.last_fetched:%Y-%m-%d %H:%M} UTC" if state.last_fetched else "never fetched"
    parts = [f"known as {state.kind}", fetched]
    if state.last_status:
        parts.append(f"HTTP {state.last_status}")
    if state.reason:
        parts.append(f"reason {state.reason}")
    if state.failures:
        parts.append(f"{state.failures} failures in a row")
    if article_id is not None or state.article_id is not None:
        parts.append(f"article {article_id if article_id is not None else state.article_id}")
    return ", ".join(parts)


def _from_archive(out: Explanation, engine: Engine | None, trace: Any, via: str | None,
                  profile: Profile | None = None) -> PageResult | None:
    if engine is None or trace is None or trace.article is None:
        raise ValueError(f"no stored page for {out.url} in the archive (use explain without --from-archive)")
    page = stored_page(engine, trace.article.id)
    if page is None:
        raise ValueError(f"article {trace.article.id} has no raw page in the archive")
    out.add("fetch", f"read from the archive: HTTP {page.status}, {len(page.body):,} bytes as fetched from "
                     f"{page.final_url} (robots.txt and blocking not checked)")
    return process_page(PageJob(page.final_url, page.body, page.content_type or "", via=via, profile=profile))


def _fetched(out: Explanation, url: str, via: str | None, overrides: dict[str, Any],
             profile: Profile | None = None) -> PageResult | None:
    from newscrawler.spiders.explain import ExplainSpider

    settings = Settings()
    settings.setmodule("newscrawler.settings", priority="project")
    settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ExplainSpider)
    process.crawl(crawler, url=url, via=via, profile=profile)
    process.start()
    report: dict[str, Any] = getattr(crawler.spider, "report", {})
    if "error" in report:
        kind, message = report["error"]
        topic = "robots.txt" if kind == "robots_disallowed" else "fetch"
        out.add(topic, f"{message} ({kind})")
        out.verdict = f"not stored: {kind}" + ("" if kind == "robots_disallowed" else " (due again later)")
        return None
    if not report:
        out.add("fetch", "no response (the crawl ended before the page was fetched)")
        out.verdict = "not stored: no response"
        return None
    out.add("robots.txt", "allowed")
    redirects = f", redirected from {' -> '.join(report['redirects'])}" if report["redirects"] else ""
    out.add("fetch", f"HTTP {report['status']}, {report['content_type'] or 'no Content-Type'}, "
                     f"{report['size']:,} bytes{redirects}")
    out.add("blocking", f"looks blocked: {report['block']}" if report["block"] else "no sign of blocking")
    if report["status"] != 200:
        out.verdict = f"not stored: HTTP {report['status']}"
        return None
    if not report["html"]:
        out.verdict = "not stored: not an HTML page (not_article:non_html)"
        return None
    return report.get("result")


def _decided(out: Explanation, engine: Engine | None, url: str, result: PageResult, min_words: int) -> None:
    """The classification with its evidence, the extracted article, duplicates, and the verdict."""
    out.add("classification", f"{'article' if result.is_article else 'not an article'} ({result.reason})")
    for line in result.evidence:
        out.add("evidence", line)
    article = result.article
    if not result.is_article or article is None:
        out.verdict = f"not stored: not_article:{result.reason}"
        return
    _describe(out, article)
    if article.word_count < min_words:
        out.verdict = f"not stored: dropped:too_short (fewer than {min_words} words)"
        return
    canonical = canonicalize_url(article.canonical_url or url)
    owner = body_owner(engine, article.text, canonical) if engine is not None else None
    stored = stored_under(engine, canonical, url) if engine is not None else None
    out.stored = True
    if owner is not None:
        out.add("duplicate", f"the body equals article {owner.id} ({owner.canonical_url})")
        out.verdict = f"kept as an alias of article {owner.id} (duplicate_body): show and history resolve it"
        out.stored = False
    elif stored is not None:
        same = stored.text == article.text and stored.title == article.title
        out.verdict = f"{'unchanged' if same else 'would update'} article {stored.id} ({canonical})"
    else:
        out.verdict = f"would be stored as a new article ({canonical})"


def _describe(out: Explanation, article: Article) -> None:
    out.add("extracted", f"{article.word_count} words in {len(article.text.splitlines())} paragraphs")
    out.add("title", f"{article.title!r} (from {article.title_source or 'unknown'})")
    if article.authors or article.credit:
        out.add("byline", ", ".join(article.authors) if article.authors else f"{article.credit!r} (a credit: no person named)")
    if article.section:
        out.add("section", article.section)
    when = article.published_at.isoformat() if article.published_at else "none found"
    out.add("date", f"{when}" + (f" (from {article.date_source})" if article.date_source else ""))
    if article.canonical_url:
        out.add("canonical", article.canonical_url)
