"""The options several commands share, as click decorators: --db, -s, the crawl log options, the
article filters and the output options (--format, -o/--output and the old --json/--jsonl/--csv)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from archive.query import Filters
from archive.when import parse_day_or_when, parse_when
from newscrawler.render import FORMATS

if TYPE_CHECKING:
    from newscrawler.sources import Source

F = TypeVar("F", bound=Callable[..., Any])

DB_HELP = "Archive: a file path or an SQLAlchemy URL [default: $NEWSCRAWLER_DB, else ./news.sqlite3]."
# The flags that came before --format; they still work, unlisted, so no cron line breaks.
FORMAT_SHORTHANDS = {"--json": "json", "--jsonl": "jsonl", "--csv": "csv"}


class OneLineUsageError(click.ClickException):
    """A usage error printed as one line (no usage text), exit code 2."""

    exit_code = 2


def _apply(func: F, options: list[Callable[[F], F]]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def db_option(func: F) -> F:
    """--db PATH_OR_URL (default $NEWSCRAWLER_DB)."""
    return click.option("--db", "db", envvar="NEWSCRAWLER_DB", metavar="PATH_OR_URL", help=DB_HELP)(func)


def _overrides(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", ctx=ctx, param=param)
        overrides[name.strip()] = setting
    return overrides


def settings_option(func: F) -> F:
    """-s/--set NAME=VALUE (repeatable): Scrapy setting overrides, given to the command as a dict."""
    return click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", callback=_overrides,
                        help="Override a Scrapy setting (repeatable), as with 'scrapy crawl -s'.")(func)


def crawl_options(func: F) -> F:
    """What crawl and fetch share: -s, --log-level, --log-file, --quiet and --db."""
    return _apply(func, [
        settings_option,
        click.option("--log-level", default="WARNING", show_default=True,
                     type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
                     help="Scrapy log level on stderr (or in --log-file)."),
        click.option("--log-file", type=click.Path(dir_okay=False), help="Write the crawl log to this file."),
        click.option("--quiet", "-q", is_flag=True, help="No progress display and no summary line."),
        db_option,
    ])


def day_or_when(ctx: click.Context, param: click.Parameter, value: str | None) -> date | datetime | None:
    """A click callback: YYYY-MM-DD (a whole day) or an ISO 8601 date-time, read by archive.when."""
    return _checked(value, parse_day_or_when, ctx, param)


def when_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the value as given, once archive.when can read it as a date."""
    _checked(value, parse_when, ctx, param)
    return value


def _checked(value: str | None, parse: Callable[[str], Any], ctx: click.Context, param: click.Parameter) -> Any:
    if not value:
        return None
    try:
        parsed = parse(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time: {exc}",
                                 ctx=ctx, param=param) from exc
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time", ctx=ctx, param=param)
    return parsed


def filter_options(func: F) -> F:
    """--site, --since, --until, --author, --lang, --limit and --db, given to the command as
    ``filters`` (an :class:`archive.query.Filters`) and ``db``."""

    @functools.wraps(func)
    def command(*args: Any, site: str | None, since: date | datetime | None, until: date | datetime | None,
                author: str | None, language: str | None, limit: int | None, **kwargs: Any) -> Any:
        filters = Filters(site=site, since=since, until=until, author=author,
                          language=language.lower() if language else None, limit=limit)
        return func(*args, filters=filters, **kwargs)

    return _apply(command, [
        click.option("--site", metavar="HOST", help="Only articles of this site (host name)."),
        click.option("--since", metavar="DATE", callback=day_or_when,
                     help="Published on or after DATE (YYYY-MM-DD or ISO date-time)."),
        click.option("--until", metavar="DATE", callback=day_or_when, help="Published on or before DATE."),
        click.option("--author", metavar="NAME",
                     help="An author's name, or the credit of an article that names no person, contains NAME "
                          "(case-insensitive)."),
        click.option("--lang", "language", metavar="xx", help="Language code (ISO 639-1), e.g. en."),
        click.option("--limit", type=click.IntRange(1), help="At most N articles."),
        db_option,
    ])


def _format(formats: tuple[str, ...]) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and value.lower() not in formats:
            raise OneLineUsageError(f"--format {value!r}: use one of {', '.join(formats)}")
        return value.lower() if value else None

    return check


def output_options(default: str = "table", files: tuple[str, ...] = ()) -> Callable[[F], F]:
    """--format table|json|jsonl|csv (default ``default``), -o/--output FILE, and the hidden
    shorthands --json, --jsonl, --csv; the command gets ``fmt`` and ``output``. ``files``: more
    formats this command writes, only to a file (parquet...): they need --output."""
    formats = (*FORMATS, *files)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, fmt: str | None, shorthand: str | None, **kwargs: Any) -> Any:
            if fmt and shorthand and fmt != shorthand:
                raise OneLineUsageError(f"--format {fmt} and --{shorthand} disagree: give one")
            if fmt in files and not kwargs.get("output"):
                raise OneLineUsageError(f"--format {fmt} writes a file: give --output FILE")
            return func(*args, fmt=fmt or shorthand or default, **kwargs)

        options: list[Callable[[Any], Any]] = [
            click.option("--format", "fmt", metavar="|".join(formats), callback=_format(formats),
                         help=f"Output format  [default: {default}]."),
            click.option("--output", "-o", "output", type=click.Path(dir_okay=False),
                         help="Write to FILE instead of standard output."),
        ]
        options += [click.option(flag, "shorthand", flag_value=fmt, hidden=True) for flag, fmt in
                    FORMAT_SHORTHANDS.items()]
        return _apply(command, options)  # type: ignore[arg-type]

    return decorate


@contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` opened for writing (an error naming it if it cannot be)."""
    if not path:
        yield sys.stdout
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


def read_sources(path: str, *, disabled: bool = False) -> list[Source]:
    """The enabled sites of a sources file (``disabled``: every site); a click error naming the
    first problem otherwise."""
    from newscrawler.sources import SourcesError, load_sources

    try:
        return load_sources(path, disabled=disabled)
    except OSError as exc:
        raise click.ClickException(f"cannot read sources file {path}: {exc.strerror or exc}") from exc
    except SourcesError as exc:
        raise click.ClickException(f"bad sources file {exc}") from exc
