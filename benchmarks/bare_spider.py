"""The fetch ceiling: a Scrapy spider that only follows same-site links (no extraction, no storage);
with ``-a extract=1``, the baseline a user would write first: the same spider calling
``trafilatura.extract`` in its callback (an article: at least ``MIN_WORDS`` words extracted).

    scrapy runspider benchmarks/bare_spider.py -a url=http://127.0.0.1:PORT/ -a out=stats.json [-a extract=1]
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor


MIN_WORDS = 40  # newscrawler's ARTICLE_MIN_WORDS


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, out: str, extract: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extract = extract not in ("", "0")
        self.articles = 0
        self.start_urls = [url]
        self.out = out
        self.allowed_domains = [urlsplit(url).hostname or ""]  # OffsiteMiddleware keeps the crawl on the site
        self.links = LinkExtractor()
        self.started = time.monotonic()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        if self.extract:
            import trafilatura

            text = trafilatura.extract(response.text)
            self.articles += bool(text and len(text.split()) >= MIN_WORDS)
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        payload = {"pages": stats.get("response_received_count", 0), "articles": self.articles,
                   "seconds": time.monotonic() - self.started}
        with open(self.out, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
