"""``export --format warc``: what an archive holds, as one ``.warc.gz`` file, streamed.

The file starts with a ``warcinfo`` record, then one ``response`` record per article's raw
page, oldest article first (the export's filters apply):

- the page's own record, copied byte for byte, when the crawl wrote WARC files
  (``crawl --warc``) and its record is still readable where the archive says;
- else a record rebuilt from the archive: the stored response headers and body. The body is
  stored with its content coding undone, so a ``Content-Encoding`` header is left out and
  ``Content-Length`` is the stored body's; the record says so in ``WARC-Newscrawler-Note``;
- for a page stored before the archive kept headers: ``Content-Type`` and ``Content-Length``
  only, and the note says the headers were not recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from sqlalchemy import Engine

from archive.article import StoredArticle
from archive.capture import CaptureError, StoredPage, read_record, stored_page
from archive.warc_write import response_record_bytes, warcinfo_record_bytes

logger = logging.getLogger(__name__)

NOTE = "WARC-Newscrawler-Note"
NO_HEADERS = ("headers not recorded: the archive stored this page before it kept response headers; "
              "Content-Type and Content-Length are the archive's")
REBUILT = "rebuilt from the archive: the headers as received, the body as stored"
DECODED = ("rebuilt from the archive: the headers as received, the body as stored with its content coding "
           "undone (Content-Encoding left out, Content-Length recomputed)")
_DROPPED = {"content-encoding", "content-length", "transfer-encoding"}


@dataclass
class ExportCounts:
    copied: int = 0  # the crawl's own record
    rebuilt: int = 0  # from the stored headers
    no_headers: int = 0  # stored before headers were kept
    missing: int = 0  # an article without a raw page

    @property
    def total(self) -> int:
        return self.copied + self.rebuilt + self.no_headers


def export_warc(engine: Engine, articles: Iterable[StoredArticle], out: BinaryIO, filename: str,
                info: dict[str, str]) -> ExportCounts:
    """Write the raw page of each of ``articles`` to ``out`` (see the module doc)."""
    counts = ExportCounts()
    out.write(warcinfo_record_bytes(filename, {**info, "format": "WARC File Format 1.1",
                                               "description": "newscrawler export --format warc"}))
    with engine.connect() as conn:
        for article in articles:
            page = stored_page(conn, article.id)
            if page is None:
                counts.missing += 1
                continue
            out.write(page_record(page, counts))
            conn.rollback()  # no snapshot held between articles
    return counts


def page_record(page: StoredPage, counts: ExportCounts | None = None) -> bytes:
    """One gzip member: the page's WARC record as captured, or rebuilt from the archive."""
    counts = counts if counts is not None else ExportCounts()
    if page.warc is not None:
        try:
            record = read_record(page.warc)
            if record.record_type == "response" and record.url == page.final_url:
                counts.copied += 1
                return record.member
        except CaptureError as exc:
            logger.warning("article %s: %s; rebuilt from the archive", page.article_id, exc)
    body = page.body
    if page.headers is None:
        counts.no_headers += 1
        headers = [("Content-Type", page.content_type)] if page.content_type else []
        headers.append(("Content-Length", str(len(body))))
        note = NO_HEADERS
    else:
        counts.rebuilt += 1
        decoded = any(name.lower() == "content-encoding" for name, _ in page.headers)
        headers = [(n, v) for n, v in page.headers if n.lower() not in _DROPPED] if decoded else list(page.headers)
        if decoded:
            headers.append(("Content-Length", str(len(body))))
        note = DECODED if decoded else REBUILT
    return response_record_bytes(page.final_url, page.status, headers, body, page.fetched_at or datetime.now(UTC),
                                 extra={NOTE: note})
