"""archive.warc_read: the HTTP responses of WARC and ARC files, and what it makes of bad ones."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc_read import BadRecord, ReadStats, Revisits, WarcFileError, WarcResponse, read_responses
from tests.support.warcs import arc_file

pytestmark = pytest.mark.unit

PAGE = b"<!doctype html><html><head><title>T</title></head><body><p>Hello</p></body></html>"


def response(writer: WARCWriter, url: str, body: bytes = PAGE, status: str = "200 OK",
             headers: list[tuple[str, str]] | None = None) -> None:
    http = StatusAndHeaders(status, headers if headers is not None else [("Content-Type", "text/html")],
                            protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http))


def warc(path: Path, gzip: bool = True) -> tuple[Path, WARCWriter]:
    return path, WARCWriter(path.open("wb"), gzip=gzip)


def read(path: Path, revisits: Revisits | None = None) -> tuple[list[WarcResponse | BadRecord], ReadStats]:
    stats = ReadStats()
    return list(read_responses(str(path), stats, revisits if revisits is not None else Revisits())), stats


@pytest.mark.parametrize("compressed", [True, False])
def test_responses_with_their_capture(tmp_path: Path, compressed: bool) -> None:
    path, writer = warc(tmp_path / ("a.warc.gz" if compressed else "a.warc"), compressed)
    response(writer, "http://a.test/one")
    response(writer, "http://a.test/two", b"plain", headers=[("Content-Type", "text/plain"),
                                                              ("Content-Length", "5")])
    writer.write_record(writer.create_warc_record("http://a.test/one", "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    writer.out.close()
    items, stats = read(path)
    assert [type(i) for i in items] == [WarcResponse, WarcResponse]
    one, two = items
    assert isinstance(one, WarcResponse) and isinstance(two, WarcResponse)
    assert (one.url, one.status, one.body, one.is_html()) == ("http://a.test/one", 200, PAGE, True)
    assert (two.body, two.is_html(), two.header("content-length")) == (b"plain", False, None)
    assert one.path == str(path) and 0 == one.offset < two.offset and one.length > 0
    assert one.captured_at is not None and one.captured_at.tzinfo == timezone.utc
    assert abs((datetime.now(timezone.utc) - one.captured_at).total_seconds()) < 3600
    assert one.record_id and one.payload_digest and one.payload_digest.startswith("sha1:")
    assert (stats.records, stats.responses, stats.other, stats.bad) == (3, 2, 1, {})


def test_chunked_and_gzipped_bodies_are_decoded(tmp_path: Path) -> None:
    path, writer = warc(tmp_path / "c.warc.gz")
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (PAGE[:30], PAGE[30:])) + b"0\r\n\r\n"
    response(writer, "http://a.test/chunked", chunked,
             headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
    response(writer, "http://a.test/gzip", gzip.compress(PAGE),
             headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    writer.out.close()
    items, _ = read(path)
    assert [i.body for i in items if isinstance(i, WarcResponse)] == [PAGE, PAGE]
    assert all(i.header("Content-Encoding") is None and i.header("Transfer-Encoding") is None
               for i in items if isinstance(i, WarcResponse))


def test_redirect_and_sniffed_html(tmp_path: Path) -> None:
    path, writer = warc(tmp_path / "r.warc.gz")
    response(writer, "http://a.test/old", b"", status="301 Moved Permanently", headers=[("Location", "/new/")])
    response(writer, "http://a.test/untyped", PAGE, headers=[])
    writer.out.close()
    (moved, untyped), _ = read(path)
    assert isinstance(moved, WarcResponse) and moved.location == "http://a.test/new/"
    assert isinstance(untyped, WarcResponse) and untyped.location is None and untyped.is_html()


def test_revisit_resolves_to_the_earlier_capture(tmp_path: Path) -> None:
    path, writer = warc(tmp_path / "v.warc.gz")
    response(writer, "http://a.test/page")
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    first = writer.create_warc_record("http://a.test/x", "response", payload=BytesIO(PAGE), http_headers=http)
    digest = first.rec_headers.get_header("WARC-Payload-Digest")
    writer.write_record(writer.create_revisit_record("http://a.test/later", digest, "http://a.test/page",
                                                     "2026-01-01T00:00:00Z", http_headers=http))
    writer.write_record(writer.create_revisit_record("http://a.test/gone", "sha1:" + "A" * 32, "http://a.test/n",
                                                     "2026-01-01T00:00:00Z", http_headers=http))
    writer.out.close()
    items, stats = read(path)
    assert [(i.url, i.body, i.revisit) for i in items if isinstance(i, WarcResponse)] == [
        ("http://a.test/page", PAGE, False), ("http://a.test/later", PAGE, True)]
    assert (stats.revisits_resolved, stats.revisits_unresolved) == (1, 1)


def test_wrong_digest_is_a_bad_record_and_reading_goes_on(tmp_path: Path) -> None:
    path, writer = warc(tmp_path / "d.warc", gzip=False)
    response(writer, "http://a.test/one")
    response(writer, "http://a.test/two", PAGE.replace(b"Hello", b"Howdy"))
    response(writer, "http://a.test/three")
    writer.out.close()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Howdy", b"HOWDY"))
    items, stats = read(path)
    assert [type(i).__name__ for i in items] == ["WarcResponse", "BadRecord", "WarcResponse"]
    bad = items[1]
    assert isinstance(bad, BadRecord) and bad.reason == "digest" and "digest failed" in bad.message
    assert stats.bad == {"digest": 1}


def test_unparsable_http_status_is_a_bad_record(tmp_path: Path) -> None:
    path, writer = warc(tmp_path / "h.warc.gz")
    response(writer, "http://a.test/odd", status="XYZ")
    response(writer, "http://a.test/fine")
    writer.out.close()
    items, stats = read(path)
    assert [type(i).__name__ for i in items] == ["BadRecord", "WarcResponse"] and stats.bad == {"http": 1}


def test_unknown_content_encoding_is_a_bad_record(tmp_path: Path) -> None:
    path, writer = warc(tmp_path / "e.warc.gz")
    response(writer, "http://a.test/odd", b"\x28\xb5\x2f\xfdpacked",
             headers=[("Content-Type", "text/html"), ("Content-Encoding", "x-unknown")])
    response(writer, "http://a.test/fine")
    writer.out.close()
    items, stats = read(path)
    assert [type(i).__name__ for i in items] == ["BadRecord", "WarcResponse"] and stats.bad == {"encoding": 1}
    assert "not decodable" in items[0].message  # type: ignore[union-attr]


@pytest.mark.parametrize("compressed", [True, False])
def test_truncated_file_yields_what_came_before_then_fails(tmp_path: Path, compressed: bool) -> None:
    path, writer = warc(tmp_path / ("t.warc.gz" if compressed else "t.warc"), compressed)
    for n in range(3):
        response(writer, f"http://a.test/{n}")
    writer.out.close()
    path.write_bytes(path.read_bytes()[:-40])
    got: list[str] = []
    stats = ReadStats()
    with pytest.raises(WarcFileError, match=rf"^{path}: truncated at offset \d+: record .* is cut short$"):
        for item in read_responses(str(path), stats):
            got.append(getattr(item, "url", ""))
    assert got == ["http://a.test/0", "http://a.test/1"] and stats.bad == {"truncated": 1}


@pytest.mark.parametrize("content", [b"", b"hello world\nnot a warc\n", b"<html><body>no</body></html>",
                                     gzip.compress(b"just some text\n", mtime=0), b"\x1f\x8bnot gzip at all"])
def test_not_a_warc_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(content)
    with pytest.raises(WarcFileError, match=rf"^{path}: not a WARC or ARC file \("):
        list(read_responses(str(path)))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WarcFileError, match="nope.warc: cannot open"):
        list(read_responses(str(tmp_path / "nope.warc")))


@pytest.mark.parametrize("compressed", [True, False])
def test_arc_file(tmp_path: Path, compressed: bool) -> None:
    message = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE
    path = arc_file(tmp_path / ("a.arc.gz" if compressed else "a.arc"), [("http://a.test/arc", message)], compressed)
    items, stats = read(path)
    assert len(items) == 1 and isinstance(items[0], WarcResponse)
    item = items[0]
    assert (item.url, item.status, item.body, item.is_html()) == ("http://a.test/arc", 200, PAGE, True)
    assert item.captured_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
