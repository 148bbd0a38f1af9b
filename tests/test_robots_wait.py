"""robots.txt applies to every request that waited for it (newscrawler.fetch.robots fixes Scrapy 2.19's middleware).

Scrapy gave the parser to the first request waiting for a site's robots.txt only and let the
others through unchecked. A tiny spider (run with the project's settings) sends five requests
at once; the two disallowed by the demo site's robots.txt must not be fetched.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import LOCAL, ROOT

pytestmark = pytest.mark.e2e

SPIDER = '''
import json, scrapy
class Burst(scrapy.Spider):
    name = "burst"
    custom_settings = {"ITEM_PIPELINES": {}, "CONCURRENT_REQUESTS": 16}
    def __init__(self, base, out, **kw):
        super().__init__(**kw)
        self.base, self.out, self.got = base, out, []
    async def start(self):
        for path in ["/", "/about/", "/private/2026/03/20/newsroom-preview/", "/search/", "/contact/"]:
            yield scrapy.Request(self.base + path, dont_filter=True)
    def parse(self, response):
        self.got.append(response.url)
    def closed(self, reason):
        open(self.out, "w").write(json.dumps(sorted(self.got)))
'''


def test_every_request_waiting_for_robots_txt_is_checked(site, tmp_path: Path) -> None:
    spider, out = tmp_path / "burst.py", tmp_path / "got.json"
    spider.write_text(SPIDER)
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"base={site.base_url}",
                    "-a", f"out={out}", "-s", "LOG_LEVEL=ERROR", *LOCAL,
                    # no start_urls: allow the loopback demo site explicitly (see newscrawler.fetch.ssrf)
                    "-s", f"FETCH_ALLOWED_HOSTS={site.base_url.split('//', 1)[1].rstrip('/')}"],
                   cwd=ROOT, check=True, timeout=120)
    fetched = [url.removeprefix(site.base_url) for url in json.loads(out.read_text())]
    assert fetched == ["/", "/about/", "/contact/"]
