"""Reading the HTTP responses of WARC and ARC files written by any tool (``import-warc``).

:func:`read_responses` walks one file (gzipped or not, WARC or ARC: warcio tells them apart)
and yields a :class:`WarcResponse` per HTTP response record, with its body decoded from any
chunked or gzip transfer, or a :class:`BadRecord` for a record it cannot use: a payload or
block digest that does not match, an HTTP message it cannot parse, a truncated tail. A bad
record never stops the reading; a file that is no WARC or ARC at all, or whose reading breaks
off, raises :class:`WarcFileError` (one line naming the path) after the records read before.

Revisit records (the same payload as an earlier capture) are resolved to the earlier response
by payload digest when this import read it, from any file (:class:`Revisits`); else counted.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import IO, Any
from urllib.parse import urljoin

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_datetime

logger = logging.getLogger(__name__)

# Record types that carry no HTTP response (counted as "other").
HTML_TYPES = ("text/html", "application/xhtml+xml")
SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body")
# Hop-by-hop and encoding headers that no longer describe the decoded body.
DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length", "connection"})


class WarcFileError(ValueError):
    """A file that is not a WARC or ARC file, or that breaks off: one line naming the path."""


@dataclass(frozen=True)
class WarcResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime | None
    path: str
    offset: int
    length: int
    record_id: str | None = None
    payload_digest: str | None = None
    revisit: bool = False  # resolved from a revisit record to an earlier capture's body

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or ""

    @property
    def location(self) -> str | None:
        """The absolute target of a redirect (3xx with a Location header), else None."""
        target = self.header("Location")
        return urljoin(self.url, target.strip()) if 300 <= self.status < 400 and target else None

    def is_html(self) -> bool:
        """HTML by its Content-Type, or, without one, by its first bytes."""
        kind = self.content_type.split(";", 1)[0].strip().lower()
        if kind:
            return kind in HTML_TYPES
        return self.body[:512].lstrip().lower().startswith(SNIFF)


@dataclass(frozen=True)
class BadRecord:
    path: str
    offset: int
    reason: str  # digest, http, encoding, truncated
    message: str


@dataclass
class ReadStats:
    records: int = 0
    responses: int = 0
    revisits_resolved: int = 0
    revisits_unresolved: int = 0
    other: int = 0  # request, metadata, warcinfo, resource... records
    bad: dict[str, int] = field(default_factory=dict)

    def count_bad(self, reason: str) -> None:
        self.bad[reason] = self.bad.get(reason, 0) + 1


@dataclass
class Revisits:
    """Where the responses of this import were, by payload digest, to resolve later revisit records."""

    places: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, response: WarcResponse) -> None:
        if response.payload_digest and not response.revisit and response.is_html():  # only those are imported
            self.places.setdefault(response.payload_digest, (response.path, response.offset))

    def resolve(self, record: ArcWarcRecord, path: str, offset: int, length: int) -> WarcResponse | None:
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        place = self.places.get(digest or "")
        if place is None:
            return None
        original = read_one(*place)
        if original is None:
            return None
        return replace(original, url=record.rec_headers.get_header("WARC-Target-URI") or original.url,
                       captured_at=_capture_date(record) or original.captured_at, path=path, offset=offset,
                       length=length, record_id=record.rec_headers.get_header("WARC-Record-ID"), revisit=True)


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise WarcFileError(f"{path}: cannot open: {exc.strerror or exc}") from exc


ARC_LINE = re.compile(rb"^\S+://\S* \S+ \d{12,14} ")


def check_format(path: str, fh: IO[bytes]) -> None:
    """Raise WarcFileError unless ``fh`` starts like a WARC or ARC file, gzipped or not (warcio
    would read any line of words as an ARC header)."""
    head = fh.read(1 << 16)
    fh.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error as exc:
            raise WarcFileError(f"{path}: not a WARC or ARC file (bad gzip data: {exc})") from exc
    first = head.lstrip(b"\r\n").split(b"\n", 1)[0]
    if not first:
        raise WarcFileError(f"{path}: not a WARC or ARC file (empty)")
    if not (first.startswith((b"WARC/", b"filedesc://")) or ARC_LINE.match(first)):
        shown = first[:40].decode("utf-8", "replace")
        raise WarcFileError(f"{path}: not a WARC or ARC file (it starts with {shown!r})")


def read_responses(path: str, stats: ReadStats | None = None,
                   revisits: Revisits | None = None) -> Iterator[WarcResponse | BadRecord]:
    """The HTTP responses of the WARC or ARC file ``path``, and its bad records, in file order."""
    stats = stats if stats is not None else ReadStats()
    with _open(path) as fh:
        check_format(path, fh)
        iterator = ArchiveIterator(fh, arc2warc=True, check_digests=True)
        first = True
        while True:
            try:
                record = next(iterator, None)
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error, gzip.BadGzipFile, ValueError) as exc:
                raise _file_error(path, first, iterator, exc) from exc
            if record is None:
                return
            first = False
            stats.records += 1
            try:
                item = _response(record, iterator, path, stats, revisits)
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
                stats.count_bad("truncated")
                raise _file_error(path, False, iterator, exc) from exc
            if item is None:
                continue
            if isinstance(item, BadRecord):
                stats.count_bad(item.reason)
                if item.reason == "truncated":
                    raise WarcFileError(f"{path}: truncated at offset {item.offset}: {item.message}")
                logger.info("Bad record in %s at offset %s: %s", path, item.offset, item.message)
            else:
                stats.responses += 1
                if revisits is not None:
                    revisits.add(item)
            yield item


def _file_error(path: str, first: bool, iterator: ArchiveIterator, exc: BaseException) -> WarcFileError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if first:
        return WarcFileError(f"{path}: not a WARC or ARC file ({detail[:100]})")
    return WarcFileError(f"{path}: unreadable after offset {iterator.offset} (truncated?): {detail[:100]}")


def _response(record: ArcWarcRecord, iterator: ArchiveIterator, path: str, stats: ReadStats,
              revisits: Revisits | None) -> WarcResponse | BadRecord | None:
    wanted = record.rec_type in ("response", "revisit") and record.http_headers is not None and _is_http(record)
    body, undecodable = b"", None
    if wanted:
        try:
            body = record.content_stream().read()
        except Exception as exc:  # noqa: BLE001 - warcio raises a plain Exception for an unknown Content-Encoding
            undecodable = str(exc).strip() or type(exc).__name__
    _read_all(record.raw_stream)
    offset, length = iterator.get_record_offset(), iterator.get_record_length()
    if _short(record, iterator):
        return BadRecord(path, offset, "truncated", f"record {_id(record)} is cut short")
    if not wanted:
        stats.other += 1
        return None
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding and encoding != "identity" and encoding not in BufferedReader.get_supported_decompressors():
        undecodable = f"unsupported Content-Encoding {encoding!r}"
    if undecodable is not None:
        return BadRecord(path, offset, "encoding", f"record {_id(record)}: body not decodable: {undecodable[:100]}")
    if record.digest_checker.passed is False:
        problems = "; ".join(record.digest_checker.problems) or "digest mismatch"
        return BadRecord(path, offset, "digest", f"record {_id(record)}: {problems}")
    status = _status(record)
    if status is None:
        return BadRecord(path, offset, "http", f"record {_id(record)}: unparsable HTTP status line "
                                                f"{record.http_headers.statusline!r:.60}")
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type == "revisit":
        resolved = revisits.resolve(record, path, offset, length) if revisits is not None else None
        if resolved is None:
            stats.revisits_unresolved += 1
            return None
        stats.revisits_resolved += 1
        return resolved
    headers = [(k, v) for k, v in record.http_headers.headers if k.lower() not in DROPPED_HEADERS]
    return WarcResponse(url=url, status=status, headers=headers, body=body, captured_at=_capture_date(record),
                        path=path, offset=offset, length=length,
                        record_id=record.rec_headers.get_header("WARC-Record-ID"),
                        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"))


def _is_http(record: ArcWarcRecord) -> bool:
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").lower()
    return url.startswith(("http://", "https://"))


def _status(record: ArcWarcRecord) -> int | None:
    try:
        status = int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None
    return status if 100 <= status <= 599 else None


def _short(record: ArcWarcRecord, iterator: ArchiveIterator) -> bool:
    """True when the file breaks off inside the record: its block ended before its Content-Length,
    or its gzip member has no end."""
    remaining = getattr(record.raw_stream, "limit", None)
    if isinstance(remaining, int) and remaining > 0:
        return True
    decompressor = getattr(iterator.reader, "decompressor", None) if iterator.reader is not None else None
    return decompressor is not None and getattr(decompressor, "eof", True) is False


def _read_all(stream: Any) -> None:
    while stream.read(1 << 16):
        pass


def _id(record: ArcWarcRecord) -> str:
    return record.rec_headers.get_header("WARC-Record-ID") or record.rec_headers.get_header("WARC-Target-URI") or "?"


def _capture_date(record: ArcWarcRecord) -> datetime | None:
    value = record.rec_headers.get_header("WARC-Date")
    if not value:
        return None
    try:
        return iso_date_to_datetime(value).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def read_one(path: str, offset: int) -> WarcResponse | None:
    """The response record at ``offset`` of ``path`` (a revisit's original), or None."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            iterator = ArchiveIterator(fh, arc2warc=True)
            record = next(iterator, None)
            if record is None:
                return None
            item = _response(record, iterator, path, ReadStats(), None)
    except (OSError, ArchiveLoadFailed, EOFError, zlib.error, ValueError) as exc:
        logger.warning("Cannot read the record at offset %s of %s again: %s", offset, path, exc)
        return None
    return item if isinstance(item, WarcResponse) else None
