"""The ``newscrawler`` command line: a thin layer over library functions.

Every command fails with a one-line ``error: ...`` message and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys

import click
from sqlalchemy.exc import DBAPIError

from archive.errors import ArchiveError, QueryError
from archive.lock import ArchiveLocked
from newscrawler.cli.crawl_cmds import crawl, demo, fetch, import_warc
from newscrawler.cli.explain_cmd import explain
from newscrawler.runner import EXIT_LOCKED, EXIT_USAGE
from newscrawler.cli.query_cmds import export, migrate, reextract, search, show, stats
from newscrawler.cli.serve_cmd import serve
from newscrawler.cli.state_cmds import history, runs, schedule, sources

logger = logging.getLogger(__name__)


class Main(click.Group):
    """Turns known failures into one line on stderr and exit code 1 (75 when the archive is locked)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ArchiveLocked as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_LOCKED)
        except QueryError as exc:  # the user's query, like a usage error: exit 2
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (ArchiveError, ValueError) as exc:
            raise click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
        except DBAPIError as exc:  # a database fault archive.storage_faults does not name: still one line
            message = str(exc.orig or exc).strip().splitlines()
            raise click.ClickException(f"archive error: {message[0] if message else type(exc).__name__}") from exc


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="newscrawler")
def main() -> None:
    """Crawl news sites into a clean, searchable SQLite archive.

    \b
    Example:
      newscrawler crawl https://www.example-news.com/ --db news.sqlite3
      newscrawler search "harbor bridge" --since 2026-03-01
    """


for command in (crawl, fetch, import_warc, explain, search, show, export, stats, reextract, migrate, demo, runs, history,
                sources, schedule, serve):
    main.add_command(command)


def run() -> None:  # pragma: no cover - console entry point alias
    sys.exit(main())
