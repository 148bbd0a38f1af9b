"""Commands about scheduled crawls: runs, history, sources check, schedule."""

from __future__ import annotations

import sys
from typing import Any, TextIO

import click

from archive.aliases import find_article
from archive.engine import open_archive
from archive.runs import RunRecord, list_runs
from archive.versions import Version, article_versions, version_diff
from newscrawler import render
from newscrawler.cli.options import db_option, open_output, output_options
from newscrawler.cli.query_cmds import note_alias
from newscrawler.sources import Source, parse_sources

RUN_COUNTERS = ["discovered", "fetched", "not_modified", "skipped", "new", "updated", "unchanged", "duplicates"]


def _site_line(site: str, counts: dict[str, int | float]) -> str:
    main = "  ".join(f"{name.replace('_', ' ')} {counts.get(name, 0)}" for name in RUN_COUNTERS)
    extra = []
    for prefix, label in (("not_article/", "not articles"), ("dropped/", "dropped"), ("errors/", "errors"),
                          ("blocked/", "blocked")):
        parts = {k[len(prefix):]: v for k, v in counts.items() if k.startswith(prefix)}
        if parts:
            extra.append(f"{label} " + ", ".join(f"{k} {v}" for k, v in sorted(parts.items())))
    if counts.get("robots_disallowed"):
        extra.append(f"robots.txt blocked {counts['robots_disallowed']}")
    if counts.get("site_unreachable"):
        extra.append(f"not requested, site unreachable {counts['site_unreachable']}")
    if "robots/crawl_delay" in counts:
        extra.append(f"Crawl-delay {counts['robots/crawl_delay']:g} s")
    return f"  {site}: {main}" + (f"; {'; '.join(extra)}" if extra else "")


@click.command()
@click.option("--last", "last", type=click.IntRange(1), default=10, show_default=True, help="How many runs.")
@output_options()
@db_option
def runs(last: int, fmt: str, output: str | None, db: str | None) -> None:
    """The last crawl runs: status, per-site counts and warnings.

    Per site: URLs discovered, pages fetched, answered 304 Not Modified, skipped
    (known, not due), articles new/updated/unchanged, duplicates (copies of an
    article, kept as its aliases: see `show URL`), pages that are not articles
    by reason (listing_url, teasers, short_text...: see `newscrawler explain URL`),
    dropped by reason, errors by kind, blocked by robots.txt, not requested (site
    unreachable). Warnings name sites that refused us (403/429, captcha pages) or
    yielded nothing new for 3 runs while they used to.
    json is a list, one object per run (newest first), per-site counts under "sites".

    \b
    Example:
      newscrawler runs --last 5
      newscrawler runs --format json | jq '.[0].status'
    """
    records = list_runs(open_archive(db, readonly=True), last=last)
    with open_output(output) as out:
        if fmt != "table":
            render.write_records([r.to_json() for r in records], fmt, out, columns=[])
        elif not records:
            click.echo("no runs yet", err=True)
        else:
            _write_runs(records, out)


def _write_runs(records: list[RunRecord], out: TextIO) -> None:
    for record in records:
        took = f"{(record.finished_at - record.started_at).total_seconds():.1f}s" if record.finished_at else "-"
        out.write(f"run {record.id}  {record.command}  {record.started_at:%Y-%m-%d %H:%M:%S} UTC  {took}  "
                  f"{record.status}  {record.new} new, {record.updated} updated"
                  + (f"  worker {record.args['worker']}" if record.args.get("worker") else "") + "\n")
        for site, counts in record.sites.items():
            out.write(_site_line(site, counts) + "\n")
        for url, message in record.site_errors.items():
            out.write(f"  error: {url}: {message}\n")
        for warning in record.warnings:
            out.write(f"  warning: {warning}\n")


@click.command()
@click.argument("article", metavar="URL_OR_ID")
@click.option("--diff", "show_diff", is_flag=True,
              help="Unified diffs between consecutive versions (other formats: a \"diff\" field).")
@output_options()
@db_option
def history(article: str, show_diff: bool, fmt: str, output: str | None, db: str | None) -> None:
    """The stored versions of an article (a new one whenever its title or text changed).

    A URL kept as an alias of an article (a copy of it) gives that article's
    versions, with a note on standard error. json is a list, one object per
    version (oldest first).

    \b
    Example:
      newscrawler history 42
      newscrawler history https://www.example-news.com/2026/03/04/harbor-bridge-reopens/ --diff
    """
    engine = open_archive(db, readonly=True)
    stored, alias = find_article(engine, article)
    found = article_versions(engine, stored.id) if stored is not None and stored.id is not None else None
    if found is None:
        raise click.ClickException(f"no article {article!r} in the archive")
    if alias is not None:
        note_alias(article, alias)
    stored, versions = found
    url = stored.canonical_url or stored.url
    with open_output(output) as out:
        if fmt == "table":
            _write_versions(versions, url, stored.id, show_diff, out)
            return
        records = [v.to_json(url) for v in versions]
        if show_diff:
            for record, old, new in zip(records, [None, *versions], versions):
                record["diff"] = version_diff(old, new, url) if old is not None else None
        render.write_records(records, fmt, out, columns=[])


def _write_versions(versions: list[Version], url: str, article_id: int | None, show_diff: bool,
                    out: TextIO) -> None:
    out.write(f"{url} (article {article_id}): {len(versions)} version{'s' if len(versions) != 1 else ''}\n")
    for version in versions:
        out.write(f"  v{version.version}  {version.fetched_at:%Y-%m-%d %H:%M:%S} UTC  "
                  f"{len(version.text.split())} words  {version.title}\n")
    if show_diff:
        for old, new in zip(versions, versions[1:]):
            out.write(version_diff(old, new, url) + "\n")


@click.group()
def sources() -> None:
    """Work with a sources.toml file (the sites a scheduled crawl covers).

    \b
    Example:
      newscrawler sources check sources.toml
    """


@sources.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--url", metavar="URL", help="Fetch this sample page of a site in FILE and show, for each field, what "
                                           "the site's publisher profile changes.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, exists=True),
              help="Compare on this saved page instead of fetching (with --url: the page's address).")
@output_options()
def sources_check(file: str, url: str | None, html_file: str | None, fmt: str, output: str | None) -> None:
    """Validate a sources file: each error with its line and field; exit 1 if any.

    With --url (or --html), also extract a sample page twice, with the general rules and
    with its site's [site.profile], and show each field (title, authors, published,
    section, words, first line) without and with the profile, and what each selector
    matched ("no match": the general value stays). Exit 1 if the page cannot be fetched.

    \b
    Example:
      newscrawler sources check sources.toml
      newscrawler sources check sources.toml --url https://www.example-news.com/2026/03/04/bridge/
      newscrawler sources check sources.toml --html saved.html --url https://www.example-news.com/a --format json
    """
    try:
        with open(file, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from exc
    found, errors = parse_sources(text, file)
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if errors:
        sys.exit(1)
    if url or html_file:
        _check_sample(file, found, url, html_file, fmt, output)
        return
    with open_output(output) as out:
        _list_sources(found, fmt, out)
    enabled = [s for s in found if s.enabled]
    click.echo(f"{file}: ok, {len(found)} sites ({len(enabled)} enabled)", err=True)


def _list_sources(found: list[Source], fmt: str, out: TextIO) -> None:
    if fmt != "table":
        records = [{"name": s.name, "urls": s.urls, "enabled": s.enabled,
                    "profile": s.profile.to_dict() if s.profile else None} for s in found]
        render.write_records(records, fmt, out, columns=[])
        return
    for source in found:
        state = "" if source.enabled else " (disabled)"
        profile = f" (profile: {', '.join(dict.fromkeys(f for f, _ in source.profile.selectors()))})" \
            if source.profile else ""
        out.write(f"{source.name}: {', '.join(source.urls)}{state}{profile}\n")


def _check_sample(file: str, found: list[Source], url: str | None, html_file: str | None, fmt: str,
                  output: str | None) -> None:
    """Extract the sample page without and with its site's profile; print the comparison."""
    from archive.urls import site_of
    from newscrawler import profilecheck

    if url:
        site = next((s for s in found if any(site_of(u) == site_of(url) for u in s.urls)), None)
        if site is None:
            raise click.ClickException(f"{url}: its site ({site_of(url)}) is not in {file}")
    else:
        profiled = [s for s in found if s.profile]
        if len(profiled) != 1:
            raise click.UsageError(f"--html without --url: give --url (the page's address); {file} has "
                                   f"{len(profiled)} sites with a profile")
        site = profiled[0]
    if site.profile is None:
        click.echo(f"note: {site.name} has no [site.profile]: only the general rules apply", err=True)
    try:
        page = _sample_page(url or site.urls[0], html_file, site.user_agent)
    except profilecheck.FetchFailed as exc:
        raise click.ClickException(str(exc)) from exc
    records = profilecheck.compare(page, site.profile)
    with open_output(output) as out:
        render.write_records(records, fmt, out, columns=profilecheck.COLUMNS, title=f"{site.name}: {page.url}")


def _sample_page(url: str, html_file: str | None, user_agent: str | None) -> Any:
    from newscrawler import profilecheck
    from newscrawler.process.page import decode_page

    if html_file is None:
        return profilecheck.fetch_sample(url, user_agent)
    try:
        with open(html_file, "rb") as handle:
            body = handle.read()
    except OSError as exc:
        raise click.ClickException(f"cannot read {html_file}: {exc.strerror or exc}") from exc
    return profilecheck.SamplePage(url, decode_page(body, "")[1])


@click.command()
@click.option("--every", required=True, metavar="INTERVAL", help="How often: 15m, 20m, 30m, 1h, 2h, 6h, 1d...")
@click.option("--sources", required=True, type=click.Path(dir_okay=False, exists=True),
              help="The sources file to crawl.")
@click.option("--log-file", type=click.Path(dir_okay=False),
              help="Where the crawl logs (appended) [default: the archive's path with .log].")
@click.option("--install", is_flag=True,
              help="Add the line to your crontab (replacing an earlier one for this archive).")
@click.option("--uninstall", is_flag=True, help="Remove this archive's line from your crontab.")
@db_option
def schedule(every: str, sources: str, log_file: str | None, install: bool, uninstall: bool,
             db: str | None) -> None:
    """Print (or install) a crontab line that crawls a sources file on a schedule.

    The line uses absolute paths: the installed newscrawler executable, the
    sources file, the archive and a log file. --install is idempotent: one line
    per archive, however often it is run.

    \b
    Example:
      newscrawler schedule --every 30m --sources sources.toml --db /srv/news/news.sqlite3
      newscrawler schedule --every 1h --sources sources.toml --install
    """
    from newscrawler import schedule as cron
    from newscrawler.sources import SourcesError, load_sources

    try:
        job = cron.crawl_job(every, sources, db, log_file)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc
    try:
        load_sources(sources)
    except SourcesError as exc:
        raise click.ClickException(f"bad sources file {exc}") from exc
    if uninstall:
        removed = cron.uninstall(job.comment)
        click.echo(f"removed {removed} line(s) from your crontab", err=True)
        return
    click.echo(job.line)
    if install:
        try:
            changed = cron.install(job)
        except OSError as exc:
            raise click.ClickException(f"cannot write your crontab: {exc}") from exc
        click.echo("installed in your crontab" if changed else "already in your crontab", err=True)
