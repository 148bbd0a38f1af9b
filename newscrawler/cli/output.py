"""Shared output options for the query commands: table (default), --json, --jsonl, --csv."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.export import csv_cell


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--json / --jsonl / --csv (mutually exclusive; default a table) and --output FILE."""
    func = click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True),
                        help="Write to FILE instead of standard output.")(func)
    for flag, fmt in (("--csv", "csv"), ("--jsonl", "jsonl"), ("--json", "json")):
        func = click.option(flag, "fmt", flag_value=fmt, help=f"Output {fmt.upper()}.")(func)
    return func


@contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    if not path:
        yield sys.stdout
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


def console(out: TextIO) -> Console:
    terminal = out.isatty()
    return Console(file=out, width=None if terminal else 160, no_color=not terminal,
                   force_terminal=terminal, highlight=False, soft_wrap=False)


def write_rows(rows: Sequence[dict[str, Any]], fmt: str | None, out: TextIO, columns: Sequence[str],
               title: str | None = None, styles: dict[str, Callable[[Any], Text]] | None = None) -> None:
    """Rows as JSON, JSONL, CSV or a table of ``columns``."""
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(c)) for c in columns])
    else:
        table = Table(title=title, show_lines=False, title_justify="left")
        for column in columns:
            table.add_column(column.replace("_", " "), overflow="fold")
        for row in rows:
            table.add_row(*[(styles or {}).get(c, _text)(row.get(c)) for c in columns])
        console(out).print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _text(value: Any) -> Text:
    return Text(_cell(value))


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
