"""The fetch ceiling: a Scrapy spider that only follows same-site links (no extraction, no storage);
with ``-a extract=1``, the baseline a user would write first: the same spider calling
``trafilatura.extract`` in its callback (an article: at least ``MIN_WORDS`` words extracted);
with ``-a fetch=N``, Scrapy's own cost of a page: the benchmark site's N article URLs
requested directly, their responses received and left alone (no parsing, no links).

    scrapy runspider benchmarks/bare_spider.py -a url=http://127.0.0.1:PORT/ -a out=stats.json [-a extract=1 | -a fetch=N]

``out`` gets pages, articles, seconds and the CPU seconds of this process (start-up left out).
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor


MIN_WORDS = 40  # newscrawler's ARTICLE_MIN_WORDS


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, out: str, extract: str = "", fetch: str = "0", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extract = extract not in ("", "0")
        self.articles = 0
        self.fetch = int(fetch)
        if self.fetch:
            from benchmarks.benchsite import article_path

            self.start_urls = [url.rstrip("/") + article_path(i) for i in range(self.fetch)]
        else:
            self.start_urls = [url]
        self.out = out
        self.allowed_domains = [urlsplit(url).hostname or ""]  # OffsiteMiddleware keeps the crawl on the site
        self.links = LinkExtractor()
        self.started, self.cpu_started = time.monotonic(), cpu_seconds()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        if self.fetch:
            return
        if self.extract:
            import trafilatura

            text = trafilatura.extract(response.text)
            self.articles += bool(text and len(text.split()) >= MIN_WORDS)
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        payload = {"pages": stats.get("response_received_count", 0), "articles": self.articles,
                   "seconds": time.monotonic() - self.started, "cpu": cpu_seconds() - self.cpu_started}
        with open(self.out, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
