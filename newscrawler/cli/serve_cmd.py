"""``newscrawler serve``: the archive in Datasette, with descriptions, facets, search and canned queries."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click

from archive.datasette import datasette_metadata
from archive.engine import describe_db, open_archive, resolve_db_url
from newscrawler.cli.options import db_option


def sqlite_file(db: str | None) -> Path:
    """The SQLite file of archive ``db``, checked to open as a current archive (an error naming it if not)."""
    url = resolve_db_url(db)
    if not url.startswith("sqlite:///"):
        raise click.ClickException(f"serve opens SQLite archives only, not {describe_db(db)}")
    open_archive(db, readonly=True).dispose()  # missing, not SQLite, not migrated: one line naming it
    return Path(url.removeprefix("sqlite:///"))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 opens it to your network).")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0: any free port; the address is printed).")
@click.option("--metadata-out", type=click.Path(dir_okay=False), default=None,
              help="Also write the Datasette metadata to this JSON file (for `datasette -m`).")
@db_option
def serve(host: str, port: int, metadata_out: str | None, db: str | None) -> None:
    """Browse the archive in Datasette, read-only (needs the extra: pip install 'newscrawler[serve]').

    Tables and columns are described; articles have facets on site,
    section, language and authors and a full-text search box; canned
    queries give articles per day per site, the latest per site, the
    versions of an article and the failed URLs of the last crawl.
    Ctrl-C stops it.

    \b
    Example:
      newscrawler serve --db news.sqlite3
      newscrawler serve --port 8080 --metadata-out metadata.json
    """
    try:
        from datasette import cli as datasette_cli
    except ImportError as exc:
        raise click.ClickException("Datasette is not installed: pip install 'newscrawler[serve]'") from exc
    path = sqlite_file(db)
    metadata = datasette_metadata(path.stem)
    if metadata_out:
        Path(metadata_out).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="newscrawler-serve-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata), encoding="utf-8")
        click.echo(f"serving {path} read-only on http://{host}:{port}/ (port 0: see below); Ctrl-C stops",
                   err=True)
        sys.stderr.flush()
        datasette_cli.serve.main([str(path), "--metadata", str(meta), "--host", host, "--port", str(port),
                                  "--setting", "facet_time_limit_ms", "1000"],
                                 prog_name="newscrawler serve", standalone_mode=True)
