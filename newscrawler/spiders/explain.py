"""The spider behind ``newscrawler explain URL``: fetch one page as a crawl would, and decide on it.

The request goes through the crawl's downloader middlewares (address guard, robots.txt,
body guard, redirects) and the page through the extraction worker's whole decision
(:func:`newscrawler.process.page.process_page`, run here in-process). Nothing is stored:
the spider only fills :attr:`ExplainSpider.report`, which :mod:`newscrawler.explain` reads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from newscrawler.extract.profile import Profile
from newscrawler.fetch.failures import describe_failure
from newscrawler.process.page import PageJob, process_page
from newscrawler.extensions.sitestats import block_reason


class ExplainSpider(scrapy.Spider):
    name = "explain"
    custom_settings = {"ITEM_PIPELINES": {}, "RETRY_ENABLED": False, "ARCHIVE_DB": ""}

    def __init__(self, url: str = "", via: str | None = None, profile: Profile | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.profile = profile  # the site's publisher profile (explain --sources)
        self.url = url
        self.start_urls = [url]  # the user's URL: the address guard allows its host, as in a crawl
        self.via = via
        self.report: dict[str, Any] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.parse, errback=self.failed, dont_filter=True,
                             meta={"handle_httpstatus_all": True})

    def parse(self, response: Response) -> None:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        self.report.update(status=response.status, final_url=response.url, content_type=content_type,
                           size=len(response.body), redirects=list(response.meta.get("redirect_urls") or []),
                           block=block_reason(response), html=isinstance(response, HtmlResponse))
        if self.report["html"] and response.status == 200:
            job = PageJob(response.url, response.body, content_type, via=self.via, profile=self.profile)
            self.report["result"] = process_page(job)

    def failed(self, failure: Failure) -> None:
        self.report["error"] = describe_failure(failure)
