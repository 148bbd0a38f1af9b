"""archive/warc_write.py, archive/cdxj.py, archive/capture.py and archive/warc_export.py on their own:
records, digests, revisits, rotation, warcinfo, the CDXJ index, reading back, export records."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.article import WarcLocation
from archive.capture import CaptureError, StoredPage, raw_capture, read_record
from archive.cdxj import build_cdxj, cdxj_path, lookup
from archive.rawhtml import compress_html
from archive.warc_export import NO_HEADERS, NOTE, ExportCounts, page_record
from archive.warc_write import Exchange, WarcWriter, response_record_bytes, sha1_digest

pytestmark = pytest.mark.unit

WHEN = datetime(2026, 3, 4, 12, 30, 15, 123456, tzinfo=UTC)
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
           ("Transfer-Encoding", "chunked"), ("X-Odd", "Spaced  value")]


def exchange(path: str, body: bytes, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Exchange:
    return Exchange(f"http://127.0.0.1:8000{path}", "GET", [("User-Agent", "newscrawler/test"), ("Accept", "*/*")],
                    status, list(HEADERS if headers is None else headers), body, WHEN)


def records(path: Path) -> list[dict]:
    """Every record of a WARC file, its content read and its digests checked."""
    out = []
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        for record in iterator:
            raw = record.raw_stream.read()
            out.append({"type": record.rec_type, "headers": dict(record.rec_headers.headers), "raw": raw,
                        "http": list(record.http_headers.headers) if record.http_headers else None,
                        "status": record.http_headers.get_statuscode() if record.http_headers else None,
                        "passed": record.digest_checker.passed, "problems": list(record.digest_checker.problems),
                        "offset": iterator.get_record_offset()})
    return out


def writer(tmp_path: Path, **kwargs: object) -> WarcWriter:
    return WarcWriter(tmp_path, "newscrawler-run7", {"software": "newscrawler/test", "start-urls": ["http://a/"]},
                      **kwargs)  # type: ignore[arg-type]


def test_request_and_response_records_read_back_with_their_digests(tmp_path: Path) -> None:
    body = b"<html><body>" + b"news " * 500 + b"</body></html>"
    with writer(tmp_path) as w:
        captured = w.write(exchange("/a?x=1", body))
        w.write(exchange("/missing", b"not here", status=404))
    [path] = w.files
    assert path.name.startswith("newscrawler-run7-") and path.name.endswith("-00000.warc.gz")
    got = records(path)
    assert [r["type"] for r in got] == ["warcinfo", "request", "response", "request", "response"]
    info = got[0]
    assert info["headers"]["WARC-Filename"] == path.name
    assert b"software: newscrawler/test" in info["raw"] and b"start-urls: http://a/" in info["raw"]
    request, response = got[1], got[2]
    assert request["headers"]["WARC-Concurrent-To"] == response["headers"]["WARC-Record-ID"]
    assert response["headers"]["WARC-Target-URI"] == "http://127.0.0.1:8000/a?x=1"
    assert response["headers"]["WARC-Date"] == "2026-03-04T12:30:15.123456Z"
    assert response["headers"]["WARC-Payload-Digest"] == sha1_digest(body) == captured.digest
    assert response["headers"]["WARC-Block-Digest"].startswith("sha1:")
    assert all(r["passed"] is True and not r["problems"] for r in got[1:])
    assert response["raw"] == body and response["status"] == "200" and got[4]["status"] == "404"
    # the headers as given, in order, repeated ones kept, but the transfer coding that the body no longer has
    assert response["http"] == [h for h in HEADERS if h[0] != "Transfer-Encoding"]
    assert request["http"][0] == ("Host", "127.0.0.1:8000")
    assert captured.record_type == "response" and captured.body_at == captured.record
    assert captured.record.offset == response["offset"]
    assert read_record(captured.record).body == body


def test_each_record_is_a_gzip_member_of_its_own(tmp_path: Path) -> None:
    with writer(tmp_path, gzip_level=6) as w:
        first = w.write(exchange("/a", b"A" * 1000))
        second = w.write(exchange("/b", b"B" * 1000))
    data = w.files[0].read_bytes()
    for where in (first.record, second.record):
        member = data[where.offset:where.offset + where.length]
        assert gzip.decompress(member).startswith(b"WARC/1.1\r\n")
    assert second.record.offset + second.record.length == len(data)


def test_an_identical_body_is_a_revisit_record_pointing_at_the_first_capture(tmp_path: Path) -> None:
    body = b"<html>the same body</html>" * 50
    with writer(tmp_path) as w:
        first = w.write(exchange("/a", body))
        again = w.write(exchange("/copy", body))
        empty1 = w.write(exchange("/r1", b"", status=301))
        empty2 = w.write(exchange("/r2", b"", status=301))
    assert again.record_type == "revisit" and again.body_at == first.record and w.revisits == 1
    assert empty1.record_type == empty2.record_type == "response"  # empty bodies are not deduplicated
    got = [r for r in records(w.files[0]) if r["type"] in ("response", "revisit")]
    revisit = got[1]
    assert revisit["type"] == "revisit" and revisit["raw"] == b""
    assert revisit["headers"]["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert revisit["headers"]["WARC-Refers-To-Target-URI"] == "http://127.0.0.1:8000/a"
    assert revisit["headers"]["WARC-Refers-To"] == got[0]["headers"]["WARC-Record-ID"]
    assert revisit["headers"]["WARC-Payload-Digest"] == sha1_digest(body)
    assert revisit["http"] == [h for h in HEADERS if h[0] != "Transfer-Encoding"] and not revisit["problems"]
    # warcio checks no revisit's digest: its block (the HTTP head) by hand
    member = w.files[0].read_bytes()[again.record.offset:again.record.offset + again.record.length]
    block = gzip.decompress(member).split(b"\r\n\r\n", 1)[1][:-4]
    assert block.startswith(b"HTTP/1.1 200 OK\r\n") and revisit["headers"]["WARC-Block-Digest"] == sha1_digest(block)


def test_revisit_memory_is_capped(tmp_path: Path) -> None:
    with writer(tmp_path, revisit_memory=1) as w:
        w.write(exchange("/a", b"body A"))
        w.write(exchange("/b", b"body B"))
        assert w.write(exchange("/b2", b"body B")).record_type == "revisit"
        assert w.write(exchange("/a2", b"body A")).record_type == "response"  # forgotten


def test_files_rotate_past_max_size_each_with_its_warcinfo_and_sorted_index(tmp_path: Path) -> None:
    with writer(tmp_path, max_size=3000) as w:
        for n in range(12):
            w.write(exchange(f"/page-{11 - n}", f"<p>page {n}</p>".encode() * 40))
    assert len(w.files) > 2
    assert [int(p.name[-13:-8]) for p in w.files] == list(range(len(w.files)))
    urls = []
    for path in w.files:
        got = records(path)
        assert got[0]["type"] == "warcinfo" and got[0]["headers"]["WARC-Filename"] == path.name
        assert all(r["passed"] is True for r in got[1:])
        lines = cdxj_path(path).read_text().splitlines()
        assert lines == sorted(lines) and len(lines) == sum(r["type"] == "response" for r in got)
        urls += [json.loads(line.split(" ", 2)[2])["url"] for line in lines]
    assert sorted(urls) == sorted(f"http://127.0.0.1:8000/page-{n}" for n in range(12))


def test_cdxj_lookup_finds_the_record_and_a_rebuilt_index_is_the_same(tmp_path: Path) -> None:
    with writer(tmp_path) as w:
        for n in range(5):
            w.write(exchange(f"/p{n}", f"page {n}".encode() * 100))
        w.write(exchange("/p0-copy", b"page 0" * 100))
    cdxj = cdxj_path(w.files[0])
    written = cdxj.read_text()
    [entry] = lookup(cdxj, "http://127.0.0.1:8000/p3")
    assert entry["status"] == "200" and entry["mime"] == "text/html" and entry["filename"] == w.files[0].name
    assert entry["digest"] == sha1_digest(b"page 3" * 100).removeprefix("sha1:")
    record = read_record(WarcLocation(str(tmp_path / entry["filename"]), int(entry["offset"]), int(entry["length"])))
    assert record.url == "http://127.0.0.1:8000/p3" and record.body == b"page 3" * 100
    assert lookup(cdxj, "http://127.0.0.1:8000/p0-copy")[0]["mime"] == "warc/revisit"
    cdxj.unlink()
    assert build_cdxj(w.files[0]) == cdxj and cdxj.read_text() == written


def test_read_record_errors_name_the_file(tmp_path: Path) -> None:
    with writer(tmp_path) as w:
        captured = w.write(exchange("/a", b"body"))
    where = captured.record
    with pytest.raises(CaptureError, match="cannot read WARC file .*nope.warc.gz"):
        read_record(WarcLocation(str(tmp_path / "nope.warc.gz"), 0, 10))
    with pytest.raises(CaptureError, match="no WARC record at offset 3 of"):
        read_record(WarcLocation(where.path, 3, where.length))
    with pytest.raises(CaptureError, match="ends before its record"):
        read_record(WarcLocation(where.path, where.offset, where.length + 100))


def page(body: bytes, headers: list[tuple[str, str]] | None, warc: WarcLocation | None = None) -> StoredPage:
    return StoredPage(1, "http://127.0.0.1:8000/a", "http://127.0.0.1:8000/a", 200, "text/html; charset=utf-8",
                      WHEN, compress_html(body), headers, warc)


def one_record(data: bytes) -> dict:
    with io.BytesIO(data) as stream:
        [record] = [(r, r.raw_stream.read()) for r in ArchiveIterator(stream, check_digests=True)]
    rec, raw = record
    return {"headers": dict(rec.rec_headers.headers), "http": list(rec.http_headers.headers), "raw": raw,
            "passed": rec.digest_checker.passed}


def test_export_records_copied_rebuilt_or_without_headers(tmp_path: Path) -> None:
    body = b"<html>stored</html>"
    with writer(tmp_path) as w:
        captured = w.write(exchange("/a", body))
    counts = ExportCounts()
    member = page_record(page(body, HEADERS, captured.record), counts)
    assert member == w.files[0].read_bytes()[captured.record.offset:][:captured.record.length]
    old = one_record(page_record(page(body, None), counts))
    assert old["headers"][NOTE] == NO_HEADERS and old["raw"] == body and old["passed"] is True
    assert old["http"] == [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    gzipped = one_record(page_record(page(body, [("Content-Encoding", "gzip"), ("Content-Length", "9"),
                                                 ("ETag", '"x"')]), counts))
    assert gzipped["http"] == [("ETag", '"x"'), ("Content-Length", str(len(body)))]
    assert "content coding undone" in gzipped["headers"][NOTE]
    lost = page(body, HEADERS, WarcLocation(str(tmp_path / "gone.warc.gz"), 0, 100))
    rebuilt = one_record(page_record(lost, counts))
    assert rebuilt["raw"] == body and rebuilt["headers"][NOTE].startswith("rebuilt from the archive")
    assert (counts.copied, counts.rebuilt, counts.no_headers) == (1, 2, 1)
    assert raw_capture(lost).source == "archive" and "gone.warc.gz" in (raw_capture(lost).note or "")
    assert raw_capture(page(b"x", None, captured.record)).body == body  # the WARC record wins


def test_response_record_bytes_alone_reads_back() -> None:
    data = response_record_bytes("http://a.example/x", 200, [("Content-Type", "text/plain")], b"hello", WHEN,
                                 extra={"WARC-Newscrawler-Note": "test"})
    got = one_record(data)
    assert got["raw"] == b"hello" and got["passed"] is True and got["headers"]["WARC-Newscrawler-Note"] == "test"


@pytest.mark.parametrize("level", [1, 3, 6, 9])
def test_gzip_members_read_back_at_every_level_isal_or_zlib(level: int) -> None:
    import gzip

    from archive import warc_write

    page = b"<html><body>" + b"<p>The harbor bridge reopened on Monday.</p>\n" * 5000 + b"</body></html>"
    member = warc_write.gzip_member(page, level)
    assert gzip.decompress(member) == page and len(member) < len(page) / 10
    assert warc_write._isal_zlib is not None  # a dependency: the fast path is the one that runs
