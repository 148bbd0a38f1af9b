"""WARC files of a loopback site for the import tests: the server's real HTTP responses,
recorded with warcio's WARCWriter, and the same bytes damaged in the ways a file can be."""

from __future__ import annotations

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
