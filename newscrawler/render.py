"""Records (dicts) written as a table, JSON, JSON Lines or CSV to a text stream.

The one place where the command line's output is rendered; it imports no click, so the demo
and scripts use it too. CSV cells follow :func:`archive.export.csv_cell` (lists joined with
``"; "``, dicts as compact JSON, formula-looking text prefixed with ``'``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.export import EXPORT_FIELDS, article_to_dict, csv_cell, to_json
from archive.query import ArchiveStats, SearchHit
from archive.urls import site_of

FORMATS = ("table", "json", "jsonl", "csv")
SEARCH_COLUMNS = ["id", "published_at", "site", "title", "snippet"]
SEARCH_FIELDS = [*EXPORT_FIELDS, "snippet", "rank"]
TERMINAL_MARKS = ("\x02", "\x03")  # shown bold by highlighted()
Record = dict[str, Any]
Styles = dict[str, Callable[[Any], Text]]


def console(out: TextIO) -> Console:
    """A rich console on ``out``: colours on a terminal, plain text 160 columns wide elsewhere."""
    terminal = out.isatty()
    return Console(file=out, width=None if terminal else 160, no_color=not terminal,
                   force_terminal=terminal, highlight=False, soft_wrap=False)


def plain(out: TextIO) -> bool:
    """Whether ``out`` is not a terminal (a file or a pipe): no styles, ``**`` around matches."""
    return not out.isatty()


def write_json(records: Iterable[Record], out: TextIO, *, indent: int | None = 2) -> int:
    """A JSON array of ``records``, streamed one record at a time (``indent=None``: one compact
    record per line); returns the count."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        if indent is None:
            out.write(to_json(record))
        else:
            text = json.dumps(record, ensure_ascii=False, indent=indent, default=str)
            out.write("\n".join(" " * indent + line for line in text.splitlines()))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_json_value(value: Any, out: TextIO) -> None:
    """One JSON value (an object, for a command that shows one thing), indented."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    out.write("\n")


def write_jsonl(records: Iterable[Record], out: TextIO) -> int:
    """One compact JSON object per line; returns the count."""
    count = 0
    for record in records:
        out.write(to_json(record))
        out.write("\n")
        count += 1
    return count


def write_csv(records: Iterable[Record], out: TextIO, fields: Sequence[str] | None = None) -> int:
    """A header and one row per record; without ``fields`` the header is every key met, in the
    order met (the records are read first). Open a file ``out`` with ``newline=""``."""
    if fields is None:
        records = list(records)
        fields = list(dict.fromkeys(key for record in records for key in record))
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for record in records:
        writer.writerow([csv_cell(record.get(name)) for name in fields])
        count += 1
    return count


def write_table(records: Iterable[Record], out: TextIO, columns: Sequence[str], *, title: str | None = None,
                styles: Styles | None = None) -> int:
    """A table of ``columns`` (rich); returns the number of rows."""
    table = Table(title=title, show_lines=False, title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    count = 0
    for record in records:
        table.add_row(*[(styles or {}).get(c, _text)(record.get(c)) for c in columns])
        count += 1
    console(out).print(table)
    return count


def write_records(records: Iterable[Record], fmt: str, out: TextIO, *, columns: Sequence[str],
                  fields: Sequence[str] | None = None, title: str | None = None, styles: Styles | None = None,
                  indent: int | None = 2) -> int:
    """``records`` as ``fmt``: a table of ``columns``, or every field (CSV: ``fields``, else every
    key met); returns the count."""
    if fmt == "table":
        return write_table(records, out, columns, title=title, styles=styles)
    if fmt == "json":
        return write_json(records, out, indent=indent)
    if fmt == "jsonl":
        return write_jsonl(records, out)
    if fmt == "csv":
        return write_csv(records, out, fields)
    raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_fields(record: Record, out: TextIO) -> None:
    """``name  value`` lines, names aligned (one record shown on a terminal)."""
    width = max((len(name) for name in record), default=0)
    for name, value in record.items():
        out.write(f"{name:<{width}}  {cell_text(value)}\n")


def cell_text(value: Any) -> str:
    """A value as shown in a table: nothing for None, lists joined with ``"; "``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return str(value)


def highlighted(snippet: str, start: str = "\x02", end: str = "\x03") -> Text:
    """A snippet whose ``start``..``end`` spans are shown bold (or between ** on a plain stream)."""
    text = Text()
    rest = snippet
    while start in rest and end in rest:
        before, _, tail = rest.partition(start)
        word, _, rest = tail.partition(end)
        text.append(before)
        text.append(word, style="bold yellow")
    text.append(rest)
    return text


def _text(value: Any) -> Text:
    return Text(cell_text(value))



# --- search and stats: the commands' output, and the demo's ------------------------------


def snippet_marks(fmt: str, out: TextIO) -> tuple[str, str]:
    """What surrounds a match in a snippet: styles on a terminal's table, else ``**``."""
    return TERMINAL_MARKS if fmt == "table" and not plain(out) else ("**", "**")


def search_records(hits: Iterable[SearchHit], fmt: str) -> list[Record]:
    """A table's summary of each hit, or (other formats) its stored fields with snippet and rank."""
    records = []
    for hit in hits:
        article = hit.article
        if fmt == "table":
            published = article.published_at.strftime("%Y-%m-%d %H:%M") if article.published_at else ""
            record = {"id": article.id, "published_at": published,
                      "site": site_of(article.canonical_url or article.url), "title": article.title}
        else:
            record = article_to_dict(article)
        record.update(snippet=hit.snippet, rank=round(hit.rank, 4))
        records.append(record)
    return records


def write_search(hits: Sequence[SearchHit], query: str, fmt: str, out: TextIO) -> int:
    """Search hits as ``fmt`` (the table's snippets highlighted between :data:`TERMINAL_MARKS`)."""
    return write_records(search_records(hits, fmt), fmt, out, columns=SEARCH_COLUMNS, fields=SEARCH_FIELDS,
                         title=f"{len(hits)} results for {query!r}",
                         styles={"snippet": lambda s: highlighted(s or "")})


def stats_sections(result: ArchiveStats) -> Record:
    """The stats as one JSON object: total, sites, days and runs."""
    sites = [{"site": s, "articles": n, "latest": d.isoformat() if d else None} for s, n, d in result.per_site]
    days = [{"day": d.isoformat(), "articles": n, "bar": "#" * min(n, 60)} for d, n in result.per_day]
    runs = [{"id": r.id, "command": r.command, "started_at": r.started_at.isoformat(timespec="seconds"),
             "status": r.status, "new": r.new, "updated": r.updated,
             "seconds": round((r.finished_at - r.started_at).total_seconds(), 1) if r.finished_at else None}
            for r in result.runs]
    return {"total": result.total, "sites": sites, "days": days, "runs": runs}


def stats_records(result: ArchiveStats) -> list[Record]:
    """The stats as flat records, each naming its ``table`` (total, sites, days, runs)."""
    sections = stats_sections(result)
    records: list[Record] = [{"table": "total", "articles": sections["total"]}]
    for table in ("sites", "days", "runs"):
        records += [{"table": table, **{k: v for k, v in row.items() if k != "bar"}} for row in sections[table]]
    return records


def write_stats(result: ArchiveStats, fmt: str, out: TextIO) -> None:
    """The stats as three tables under the total, one JSON object, or flat records."""
    if fmt == "json":
        write_json_value(stats_sections(result), out)
    elif fmt in ("jsonl", "csv"):
        write_records(stats_records(result), fmt, out, columns=[])
    elif fmt == "table":
        sections = stats_sections(result)
        out.write(f"{result.total} articles\n")
        write_table(sections["sites"], out, ["site", "articles", "latest"], title="Articles per site")
        write_table(sections["days"], out, ["day", "articles", "bar"], title="Articles per day (published)")
        write_table(sections["runs"], out, ["id", "command", "started_at", "seconds", "status", "new", "updated"],
                    title="Last runs")
    else:
        raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
