"""Re-running extraction over the stored raw HTML, updating articles in place."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.orm import Session

from archive.article import Article
from archive.models import ArticleRow, RawPage, articles_table, to_utc_text
from archive.query import Filters, filter_clauses
from archive.store import add_versions, article_values, decompress_html, keep_current_texts

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
Extract = Callable[[str, str], Article | None]
_COMPARED = tuple(article_values(Article(url="", title="", text="")))  # every re-extractable column


@dataclass
class ReextractResult:
    checked: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


def decode_html(body: bytes, encoding: str | None) -> str:
    """Decode a stored page body with its recorded encoding (utf-8 with replacement otherwise)."""
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            logger.debug("unknown encoding %s, falling back to utf-8", encoding)
    return body.decode("utf-8", errors="replace")


@dataclass
class _Stored:
    """What re-extraction needs of one stored article."""

    id: int
    values: dict[str, Any]
    html_zstd: bytes | None
    encoding: str | None
    final_url: str


def _batches(engine: Engine, filters: Filters) -> Iterator[list[_Stored]]:
    """Matching articles with their raw page, in id order, one short read per batch."""
    clauses = filter_clauses(filters, engine.dialect.name)
    remaining = filters.limit
    last_id = 0
    while remaining is None or remaining > 0:
        size = BATCH_SIZE if remaining is None else min(BATCH_SIZE, remaining)
        stmt = (
            select(ArticleRow, RawPage.html_zstd, RawPage.encoding, RawPage.final_url)
            .outerjoin(RawPage, RawPage.article_id == ArticleRow.id)
            .where(ArticleRow.id > last_id, *clauses)
            .order_by(ArticleRow.id)
            .limit(size)
        )
        with Session(engine) as session:
            batch = [
                _Stored(
                    id=row.id,
                    values={name: getattr(row, name) for name in _COMPARED},
                    html_zstd=html,
                    encoding=encoding,
                    final_url=final_url or row.url,
                )
                for row, html, encoding, final_url in session.execute(stmt)
            ]
        if batch:
            yield batch
        if len(batch) < size:
            return
        last_id = batch[-1].id
        if remaining is not None:
            remaining -= len(batch)


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with datetimes as stored text (raises ValueError on naive datetimes)."""
    return {k: to_utc_text(v) if isinstance(v, datetime) else v for k, v in values.items()}


def _reextract_one(item: _Stored, extract: Extract) -> dict[str, Any] | None:
    """New column values for ``item``, {} when unchanged, None when extraction failed."""
    if item.html_zstd is None:
        logger.warning("article %s has no raw page to re-extract", item.id)
        return None
    try:
        html = decode_html(decompress_html(item.html_zstd), item.encoding)
        article = extract(html, item.final_url)
        if article is None:
            logger.info("re-extraction of article %s (%s) found nothing", item.id, item.final_url)
            return None
        new = article_values(article)
        changed = _comparable(new) != _comparable(item.values)
    except Exception:  # one bad page must not stop re-extracting the whole archive
        logger.warning(
            "re-extraction of article %s (%s) failed", item.id, item.final_url, exc_info=True
        )
        return None
    return new if changed else {}


def _write_updates(engine: Engine, updates: list[dict[str, Any]], versions: list[tuple[int, dict[str, Any]]]) -> None:
    """Update the changed articles and add a version for each new title or text, in one transaction."""
    if not updates:
        return
    stmt = update(articles_table).where(articles_table.c.id == bindparam("row_id"))
    with engine.begin() as conn:
        keep_current_texts(conn, [article_id for article_id, _ in versions])
        conn.execute(stmt, updates)
        if versions:
            add_versions(conn, versions)


def reextract(
    engine: Engine,
    filters: Filters,
    extract: Extract,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> ReextractResult:
    """Re-run ``extract(html, final_url)`` on the stored pages of matching articles.

    Changed articles are updated in place (same id and canonical URL; the FTS
    index follows through triggers), one transaction per batch; a changed title
    or text is also kept as a new version (nothing is overwritten silently). Articles whose
    extraction now fails or finds nothing are counted as failed and kept as is.
    ``on_progress`` gets the number of articles checked so far after each one.
    """
    result = ReextractResult()
    for batch in _batches(engine, filters):
        now = datetime.now(UTC)
        updates: list[dict[str, Any]] = []
        versions: list[tuple[int, dict[str, Any]]] = []
        for item in batch:
            new = _reextract_one(item, extract)
            result.checked += 1
            if new is None:
                result.failed += 1
            elif new:
                updates.append({"row_id": item.id, **new, "updated_at": now})
                if (new["title"], new["content_hash"]) != (item.values["title"], item.values["content_hash"]):
                    versions.append((item.id, {**new, "fetched_at": now}))
            else:
                result.unchanged += 1
            if on_progress is not None:
                on_progress(result.checked)
        _write_updates(engine, updates, versions)
        result.updated += len(updates)
    return result
