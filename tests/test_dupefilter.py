"""The compact dupe filter: Scrapy's semantics and JOBDIR file, 9 bytes per request in memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.request import RequestFingerprinter

from newscrawler.discover.dupefilter import CompactDupeFilter

pytestmark = pytest.mark.unit


def test_seen_requests_are_filtered_and_canonical_urls_match() -> None:
    dupes = CompactDupeFilter(fingerprinter=RequestFingerprinter())
    assert not dupes.request_seen(Request("http://a.example/x?b=2&a=1"))
    assert dupes.request_seen(Request("http://a.example/x?a=1&b=2"))  # the same, canonically
    assert not dupes.request_seen(Request("http://a.example/x?a=1&b=2", method="POST"))
    assert not dupes.request_seen(Request("http://a.example/y"))
    assert len(dupes) == 3 and not dupes._fingerprints


def test_jobdir_file_is_scrapys_and_is_read_back(tmp_path: Path) -> None:
    fingerprinter = RequestFingerprinter()
    first = CompactDupeFilter(str(tmp_path), fingerprinter=fingerprinter)
    for i in range(3):
        assert not first.request_seen(Request(f"http://a.example/{i}"))
    first.close("finished")
    resumed = CompactDupeFilter(str(tmp_path), fingerprinter=fingerprinter)
    assert len(resumed) == 3 and resumed.request_seen(Request("http://a.example/2"))
    assert not resumed.request_seen(Request("http://a.example/3"))
    resumed.close("finished")
    scrapys = RFPDupeFilter(str(tmp_path), fingerprinter=fingerprinter)  # Scrapy reads our file
    assert all(scrapys.request_seen(Request(f"http://a.example/{i}")) for i in range(4))
    assert not scrapys.request_seen(Request("http://a.example/4"))
    scrapys.close("finished")
