"""Log lines that name the page instead of dumping whole items (raw HTML included)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


def _url(item: Any) -> str:
    page = getattr(item, "page", None)
    return getattr(page, "final_url", None) or type(item).__name__


class NewsLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "Archived %(url)s", "args": {"url": _url(item)}}

    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return {"level": logging.INFO, "msg": "Dropped %(reason)s", "args": {"reason": str(exception)}}
