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
    "id", "url", "canonical_url", "title", "authors", "published_at", "modified_at",
    "site_name", "section", "tags", "language", "description", "image_url", "text",
    "word_count", "fetched_at", "site", "date_source", "title_source", "is_paywalled", "markdown",
]
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
    """A CSV-safe cell: lists joined, None empty, formula-looking text prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def to_json(value: dict[str, Any]) -> str:
    """Compact JSON, non-ASCII kept as is (orjson; json for what orjson refuses, e.g. lone surrogates)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_jsonl(articles: Iterable[StoredArticle], out: TextIO) -> int:
    count = 0
    for article in articles:
        out.write(to_json(article_to_dict(article)))
        out.write("\n")
        count += 1
    return count


def _write_json(articles: Iterable[StoredArticle], out: TextIO) -> int:
    count = 0
    out.write("[")
    for article in articles:
        out.write(",\n" if count else "\n")
        out.write(to_json(article_to_dict(article)))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_csv(articles: Iterable[StoredArticle], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for article in articles:
        row = article_to_dict(article)
        writer.writerow([csv_cell(row[name]) for name in EXPORT_FIELDS])
        count += 1
    return count


def write_articles(articles: Iterable[StoredArticle], fmt: str, out: TextIO) -> int:
    """Stream ``articles`` to ``out`` as ``fmt`` (jsonl, json or csv); returns the count.

    For CSV, open ``out`` with ``newline=""``.
    """
    writers = {"jsonl": _write_jsonl, "json": _write_json, "csv": _write_csv}
    if fmt not in writers:
        raise ArchiveError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writers[fmt](articles, out)
