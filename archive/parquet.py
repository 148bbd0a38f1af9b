"""Exporting articles as Apache Parquet: typed columns, streamed in row groups (the ``parquet`` extra).

Timestamps are ``timestamp[s, tz=UTC]``, authors and tags ``list<string>``, counts integers and
``is_paywalled`` a nullable boolean, so pandas, DuckDB, Polars and Hugging Face ``datasets``
read them as such. Rows are written ``ROW_GROUP`` at a time: memory stays flat whatever the
archive's size. The file appears under its name only once complete (written beside it, then renamed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError

ROW_GROUP = 2_000  # rows per row group: ~10-20 MB of article text in memory at a time
TIMESTAMPS = ("published_at", "modified_at", "fetched_at")
LISTS = ("authors", "tags")
INTEGERS = {"id": "int64", "word_count": "int32", "duplicate_of_id": "int64"}
BOOLEANS = ("is_paywalled",)


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401  (the writer)
    except ImportError as exc:
        raise ArchiveError("Parquet export needs pyarrow: pip install 'newscrawler[parquet]'") from exc
    return pyarrow


def parquet_schema(fields: list[str]) -> Any:
    """The Arrow schema of an export with these fields (the keys of the export's rows)."""
    pa = _pyarrow()
    columns = []
    for name in fields:
        if name in TIMESTAMPS:
            kind = pa.timestamp("s", tz="UTC")
        elif name in LISTS:
            kind = pa.list_(pa.string())
        elif name in INTEGERS:
            kind = getattr(pa, INTEGERS[name])()
        elif name in BOOLEANS:
            kind = pa.bool_()
        else:
            kind = pa.string()
        columns.append(pa.field(name, kind))
    return pa.schema(columns)


def _columns(rows: list[dict[str, Any]], fields: list[str]) -> list[list[Any]]:
    columns = []
    for name in fields:
        values = [row.get(name) for row in rows]
        if name in TIMESTAMPS:
            values = [datetime.fromisoformat(v) if isinstance(v, str) else v for v in values]
        columns.append(values)
    return columns


def write_parquet(rows: Iterable[dict[str, Any]], path: str | Path, fields: list[str],
                  row_group: int = ROW_GROUP) -> int:
    """Write export ``rows`` (dicts with the keys ``fields``, as :func:`archive.export.article_to_dict`
    gives them) to the Parquet file ``path``; returns the number of rows. On an error no file is
    left at ``path`` (an earlier file there stays as it was)."""
    pa = _pyarrow()
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    schema = parquet_schema(fields)
    count = 0
    try:
        with pa.parquet.ParquetWriter(partial, schema, compression="zstd") as writer:
            for chunk in _chunks(rows, row_group):
                batch = pa.RecordBatch.from_arrays(
                    [pa.array(values, type=field.type) for values, field in zip(_columns(chunk, fields), schema)],
                    schema=schema)
                writer.write_batch(batch)
                count += len(chunk)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    pending = iter(rows)
    while chunk := list(islice(pending, size)):
        yield chunk
