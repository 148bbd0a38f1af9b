"""The meta refresh middleware: Scrapy's decisions, without decoding pages that cannot refresh."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawler.fetch.metarefresh import HeadMetaRefreshMiddleware, cannot_refresh, writes_ascii_as_itself

pytestmark = pytest.mark.unit

URL = "https://news.example/2026/03/04/story"
REFRESH = '<html><head><META HTTP-EQUIV="Refresh" content="0; url=/moved/"></head><body><p>x</p></body></html>'
PLAIN = "<html><head><title>Caf\u00e9</title></head><body>" + "<p>No redirect here.</p>" * 50 + "</body></html>"


def response(text: str, charset: str | None = "utf-8", encode: str = "utf-8") -> HtmlResponse:
    headers = {"Content-Type": f"text/html; charset={charset}" if charset else "text/html"}
    return HtmlResponse(URL, body=text.encode(encode), headers=headers)


def test_pages_that_cannot_refresh_are_not_decoded() -> None:
    middleware = HeadMetaRefreshMiddleware.from_crawler(get_crawler())
    plain = response(PLAIN)
    assert middleware.process_response(Request(URL), plain) is plain
    assert plain._cached_ubody is None  # never decoded
    redirected = middleware.process_response(Request(URL), response(REFRESH))
    assert isinstance(redirected, Request) and redirected.url == "https://news.example/moved/"
    # A refresh beyond the first 4,096 characters is ignored, as by Scrapy
    for repeat in (5, 15):  # Scrapy's code reads it and finds nothing; beyond 16 KB, the shortcut
        late = response(PLAIN * repeat + REFRESH)
        assert middleware.process_response(Request(URL), late) is late


def test_only_encodings_that_write_ascii_as_itself_take_the_shortcut() -> None:
    assert cannot_refresh(response(PLAIN, "windows-1252", "cp1252"))
    assert not cannot_refresh(response(REFRESH))
    assert not cannot_refresh(response(PLAIN, None))  # undeclared: Scrapy's own code
    assert not cannot_refresh(response(PLAIN, "utf-16", "utf-16"))
    assert [e for e in ("utf-8", "cp1252", "iso-8859-2", "koi8-r", "ascii") if not writes_ascii_as_itself(e)] == []
    assert [e for e in ("utf-16", "iso-2022-jp", "utf-7", "shift_jis", "cp500", "nonsense")
            if writes_ascii_as_itself(e)] == []
