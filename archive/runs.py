"""Crawl run records: listing them with their per-site counts, and what to warn about.

A run still ``running`` when the next crawl takes the archive's lock was
killed (``kill -9``, a crash, a power cut): its process is gone, since the
lock is free, and it never recorded its end. :func:`abort_unfinished_runs`
marks such runs ``aborted``.

A site is reported when it refused us in a run (HTTP 401/403/429/451, a
captcha/challenge page) or when it has yielded nothing new for
``EMPTY_RUNS`` runs in a row while it used to yield articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from archive.models import Run, runs_table
from archive.query import RunInfo

EMPTY_RUNS = 3
ABORTED = "aborted"


def abort_unfinished_runs(engine: Engine) -> list[int]:
    """Mark every run still ``running`` as ``aborted``; returns their ids.

    Call it only while holding the archive's crawl lock (:mod:`archive.lock`,
    :mod:`archive.pglock`): then no other crawl is running, so a ``running``
    run is one whose process died before it could record its end.
    """
    with engine.begin() as conn:
        ids = [int(i) for (i,) in conn.execute(
            select(runs_table.c.id).where(runs_table.c.status == "running").order_by(runs_table.c.id))]
        if ids:
            conn.execute(update(runs_table).where(runs_table.c.id.in_(ids)).values(status=ABORTED))
    return ids


@dataclass
class RunRecord(RunInfo):
    """A run (:class:`archive.query.RunInfo`) with its per-site counts, warnings and arguments."""

    sites: dict[str, dict[str, int | float]] = field(default_factory=dict)  # counts; robots/crawl_delay in s
    warnings: list[str] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)
    site_errors: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        duration = (self.finished_at - self.started_at).total_seconds() if self.finished_at else None
        return {
            "id": self.id, "command": self.command, "status": self.status,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_s": duration, "new": self.new, "updated": self.updated,
            "sites": self.sites, "warnings": self.warnings, "site_errors": self.site_errors, "args": self.args,
        }


def _blocked(counts: dict[str, int]) -> list[str]:
    reasons = {k.split("/", 1)[1]: v for k, v in counts.items() if k.startswith("blocked/")}
    return [f"{why} x{n}" for why, n in sorted(reasons.items())]


def site_warnings(run: RunRecord, earlier: list[RunRecord], empty_runs: int = EMPTY_RUNS) -> list[str]:
    """Warnings for ``run`` given the crawl runs before it (newest first)."""
    found: list[str] = []
    for site, counts in run.sites.items():
        if blocked := _blocked(counts):
            found.append(f"{site}: blocked ({', '.join(blocked)})")
        if counts.get("new", 0):
            continue
        history = [r.sites[site] for r in earlier if site in r.sites]
        streak = history[: empty_runs - 1]
        if len(streak) == empty_runs - 1 and not any(c.get("new", 0) for c in streak) and any(
                c.get("new", 0) for c in history[empty_runs - 1:]):
            found.append(f"{site}: nothing new for {empty_runs} runs (it used to yield articles)")
    return found


def list_runs(engine: Engine, last: int = 10, command: str | None = None) -> list[RunRecord]:
    """The latest ``last`` runs, newest first, with per-site counts and warnings."""
    lookback = last + 50  # warnings look at earlier runs too
    with Session(engine) as session:
        stmt = select(Run).order_by(Run.id.desc()).limit(lookback)
        if command:
            stmt = stmt.where(Run.command == command)
        records = [
            RunRecord(
                id=r.id, command=r.command, started_at=r.started_at, finished_at=r.finished_at,
                status=r.status, new=r.articles_new, updated=r.articles_updated,
                sites=dict(r.sites or {}), args=dict(r.args or {}),
                site_errors=dict((r.stats or {}).get("site_errors") or {}),
            )
            for r in session.scalars(stmt)
        ]
    for index, record in enumerate(records[:last]):
        earlier = [r for r in records[index + 1:] if r.command == record.command]
        record.warnings = site_warnings(record, earlier)
    return records[:last]


def get_run(engine: Engine, run_id: int) -> RunRecord | None:
    """Run ``run_id`` with its counts, arguments and Scrapy stats; None if the archive has no such run."""
    with Session(engine) as session:
        r = session.get(Run, run_id)
        if r is None:
            return None
        return RunRecord(id=r.id, command=r.command, started_at=r.started_at, finished_at=r.finished_at,
                         status=r.status, new=r.articles_new, updated=r.articles_updated, stats=dict(r.stats or {}),
                         sites=dict(r.sites or {}), args=dict(r.args or {}),
                         site_errors=dict((r.stats or {}).get("site_errors") or {}))
