"""An article's page as it was received: from its WARC record, else from the archive's copy.

A crawl with ``--warc DIR`` stores, with each article's raw page, the WARC file and the
offset and length of the record that holds its bytes (migration 0010). :func:`raw_capture`
reads the page back from there (the gzip member at that offset), and falls back to the
archive's own zstd copy of the body when the page has no WARC location or the file is gone
or unreadable (with a note saying why).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.article import WarcLocation
from archive.models import raw_pages_table
from archive.rawhtml import decompress_html

logger = logging.getLogger(__name__)

_RAW = raw_pages_table


class CaptureError(Exception):
    """A WARC record cannot be read where the archive says it is (one line, naming the file)."""


@dataclass
class StoredPage:
    """An article's row of ``raw_pages``."""

    article_id: int
    url: str
    final_url: str
    status: int
    content_type: str | None
    fetched_at: datetime
    html_zstd: bytes
    headers: list[tuple[str, str]] | None  # None: stored before the archive kept headers
    warc: WarcLocation | None

    @property
    def body(self) -> bytes:
        """The body the archive keeps (content coding undone)."""
        return decompress_html(self.html_zstd)


@dataclass
class WarcResponse:
    """A response (or revisit) record read back: what it says and its gzip member as written."""

    url: str
    record_type: str
    status: int | None
    headers: list[tuple[str, str]]
    body: bytes  # the payload with its content coding (gzip, br) undone
    member: bytes  # the record's bytes in the file (one gzip member)


@dataclass
class RawCapture:
    """An article's page bytes and where they were read from: ``warc`` or ``archive``."""

    body: bytes
    source: str
    note: str | None = None  # why the archive's copy was used, when the page has a WARC location


def _page(row: Any) -> StoredPage:
    location = (WarcLocation(row.warc_file, int(row.warc_offset), int(row.warc_length))
                if row.warc_file and row.warc_offset is not None and row.warc_length else None)
    headers = [(str(k), str(v)) for k, v in json.loads(row.headers)] if row.headers else None
    return StoredPage(row.article_id, row.url, row.final_url, row.status, row.content_type, row.fetched_at,
                      row.html_zstd, headers, location)


def stored_page(conn: Connection | Engine, article_id: int) -> StoredPage | None:
    """The raw page of article ``article_id``, or None."""
    stmt = select(_RAW).where(_RAW.c.article_id == article_id)
    if isinstance(conn, Engine):
        with conn.connect() as connection:
            row = connection.execute(stmt).first()
    else:
        row = conn.execute(stmt).first()
    return _page(row) if row is not None else None


def read_record(location: WarcLocation) -> WarcResponse:
    """The record at ``location``; raises :class:`CaptureError` when it cannot be read there."""
    try:
        with open(location.path, "rb") as stream:
            stream.seek(location.offset)
            member = stream.read(location.length)
    except OSError as exc:
        raise CaptureError(f"cannot read WARC file {location.path}: {exc.strerror or exc}") from exc
    if len(member) != location.length:
        raise CaptureError(f"WARC file {location.path} ends before its record at offset {location.offset}")
    try:
        for record in ArchiveIterator(io.BytesIO(member)):
            http = record.http_headers
            status = http.get_statuscode() if http is not None else None
            return WarcResponse(record.rec_headers.get_header("WARC-Target-URI") or "", record.rec_type,
                                int(status) if status and status.isdigit() else None,
                                list(http.headers) if http is not None else [], record.content_stream().read(),
                                member)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise CaptureError(f"no WARC record at offset {location.offset} of {location.path}: {exc}") from exc
    raise CaptureError(f"no WARC record at offset {location.offset} of {location.path}")


def raw_capture(page: StoredPage) -> RawCapture:
    """The page's bytes from its WARC record when it has one that reads, else the archive's copy."""
    if page.warc is None:
        return RawCapture(page.body, "archive")
    try:
        record = read_record(page.warc)
    except CaptureError as exc:
        logger.info("%s", exc)
        return RawCapture(page.body, "archive", f"{exc}; the archive's copy instead")
    if record.record_type != "response":
        return RawCapture(page.body, "archive", f"the record at offset {page.warc.offset} of {page.warc.path} "
                                                f"is a {record.record_type} record; the archive's copy instead")
    return RawCapture(record.body, "warc")
