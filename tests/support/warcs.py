"""WARC files of a loopback site for the import tests: the server's real HTTP responses,
recorded with warcio's WARCWriter, and the same bytes damaged in the ways a file can be."""

from __future__ import annotations

import gzip as gzip_module
import http.client
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def fetch_raw(url: str) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """One GET of ``url`` as sent (no redirect followed): status, reason, headers, body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Accept-Encoding": "identity"})
        response = conn.getresponse()
        return response.status, response.reason, list(response.getheaders()), response.read()
    finally:
        conn.close()


def write_warc(path: Path, urls: list[str], gzip: bool = True) -> Path:
    """A WARC of the responses to GET each of ``urls``, in that order."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for url in urls:
            status, reason, headers, body = fetch_raw(url)
            http_headers = StatusAndHeaders(f"{status} {reason}", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                          http_headers=http_headers))
    return path


def truncated(path: Path, target: Path, cut: int = 40) -> Path:
    """``path`` without its last ``cut`` bytes: a copy broken off in the last record."""
    data = path.read_bytes()
    target.write_bytes(data[:-cut])
    return target


def with_wrong_digest(path: Path, target: Path, old: bytes, new: bytes) -> Path:
    """An uncompressed WARC with the last ``old`` replaced by ``new`` (same length): that record's digests fail."""
    assert len(old) == len(new)
    data = path.read_bytes()
    at = data.rfind(old)
    assert at >= 0, "the bytes to damage are not in the file"
    target.write_bytes(data[:at] + new + data[at + len(old):])
    return target


def arc_file(path: Path, records: list[tuple[str, bytes]], compressed: bool) -> Path:
    """An ARC (version 1) file: its filedesc record, then one record per (URL, HTTP message)."""
    version = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    parts = [b"filedesc://x.arc 0.0.0.0 20260101000000 text/plain %d\n%s\n" % (len(version), version)]
    for url, message in records:
        parts.append(b"%s 127.0.0.1 20260102030405 text/html %d\n%s\n" % (url.encode(), len(message), message))
    data = b"".join(gzip_module.compress(p) for p in parts) if compressed else b"".join(parts)
    path.write_bytes(data)
    return path
