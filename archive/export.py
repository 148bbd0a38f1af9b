"""Exporting articles as JSON Lines, JSON or CSV, streamed."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

import orjson

from archive.article import StoredArticle
from archive.errors import ArchiveError
from archive.urls import site_of

EXPORT_FIELDS = [
    "id", "url", "canonical_url", "title", "authors", "credit", "published_at", "modified_at",
    "site_name", "section", "tags", "language", "description", "image_url", "text",
    "word_count", "fetched_at", "site", "date_source", "title_source", "is_paywalled", "markdown",
]
# With --include-duplicates: each alias of an article follows it (see archive.aliases.with_aliases).
DUPLICATE_FIELDS = [*EXPORT_FIELDS, "duplicate_of", "duplicate_of_id"]
FORMATS = ("jsonl", "json", "csv")
LIST_SEPARATOR = "; "
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def article_to_dict(a: StoredArticle) -> dict[str, Any]:
    """``a`` as a JSON-ready dict with the keys of :data:`EXPORT_FIELDS`."""
    return {
        "id": a.id,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "title": a.title,
        "authors": list(a.authors),
        "credit": a.credit,
        "published_at": _iso(a.published_at),
        "modified_at": _iso(a.modified_at),
        "site_name": a.site_name,
        "section": a.section,
        "tags": list(a.tags),
        "language": a.language,
        "description": a.description,
        "image_url": a.image_url,
        "text": a.text,
        "word_count": a.word_count,
        "fetched_at": _iso(a.fetched_at),
        "site": a.site or site_of(a.canonical_url or a.url),
        "date_source": a.date_source,
        "title_source": a.title_source,
        "is_paywalled": a.is_paywalled,
        "markdown": a.markdown,
    }


def csv_cell(value: Any) -> Any:
    """A CSV-safe cell: lists joined with ``"; "``, dicts as compact JSON, None empty, and text
    starting with =, +, -, @, tab or CR (a spreadsheet formula) prefixed with ' (OWASP's rule)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    elif isinstance(value, dict):
        value = to_json(value)
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def to_json(value: dict[str, Any]) -> str:
    """Compact JSON, non-ASCII kept as is (orjson; json for what orjson refuses, e.g. lone surrogates)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO, fields: list[str]) -> int:
    count = 0
    for row in rows:
        out.write(to_json(row))
        out.write("\n")
        count += 1
    return count


def _write_json(rows: Iterable[dict[str, Any]], out: TextIO, fields: list[str]) -> int:
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(to_json(row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO, fields: list[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row[name]) for name in fields])
        count += 1
    return count


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: TextIO, fields: list[str] = EXPORT_FIELDS) -> int:
    """Stream export rows (dicts with the keys ``fields``) to ``out`` as ``fmt`` (jsonl, json or
    csv); returns the count. For CSV, open ``out`` with ``newline=""``."""
    writers = {"jsonl": _write_jsonl, "json": _write_json, "csv": _write_csv}
    if fmt not in writers:
        raise ArchiveError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writers[fmt](rows, out, fields)


def write_articles(articles: Iterable[StoredArticle], fmt: str, out: TextIO) -> int:
    """Stream ``articles`` to ``out`` as ``fmt`` (jsonl, json or csv); returns the count.

    For CSV, open ``out`` with ``newline=""``.
    """
    return write_rows(map(article_to_dict, articles), fmt, out)
