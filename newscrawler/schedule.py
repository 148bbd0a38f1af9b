"""Crontab lines for scheduled crawls, and installing them idempotently (python-crontab).

A line runs the installed ``newscrawler`` executable with absolute paths (the
sources file, the archive, the log file), so it works from cron's bare
environment, and carries a comment ``newscrawler:<archive>`` by which
``--install`` finds and replaces its earlier line instead of adding another.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from archive.engine import describe_db, resolve_db_url, sqlite_file


@dataclass
class CronJob:
    schedule: str
    command: str
    comment: str

    @property
    def line(self) -> str:
        return f"{self.schedule} {self.command} # {self.comment}"


def cron_schedule(every: str) -> str:
    """``15m``/``30m``/``1h``/``6h``/``1d`` as a crontab time field; ValueError for other intervals.

    Hourly and daily are written ``@hourly``/``@daily``, as python-crontab renders them anyway.
    """
    text = every.strip().lower()
    unit = text[-1:] if text[-1:] in ("m", "h", "d") else ""
    try:
        amount = int(text[: -1] if unit else text)
    except ValueError:
        raise ValueError(f"not an interval: {every!r} (use e.g. 15m, 30m, 1h, 6h, 1d)") from None
    minutes = amount * {"m": 1, "h": 60, "d": 1440, "": 1}[unit]
    if minutes <= 0:
        raise ValueError(f"not a positive interval: {every!r}")
    if minutes < 60 and 60 % minutes == 0:
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"
    if minutes % 60 == 0 and minutes < 1440 and 24 % (minutes // 60) == 0:
        hours = minutes // 60
        return "@hourly" if hours == 1 else f"0 */{hours} * * *"
    if minutes == 1440:
        return "@daily"
    raise ValueError(f"cron cannot run every {every}: "
                     "use a divisor of an hour (15m, 20m, 30m) or of a day (2h, 6h, 1d)")


def executable() -> list[str]:
    """The installed ``newscrawler`` beside this Python, else ``python -m newscrawler`` (absolute paths)."""
    script = Path(sys.executable).parent / "newscrawler"
    if script.is_file():
        return [str(script)]
    return [str(Path(sys.executable).absolute()), "-m", "newscrawler"]


def crawl_job(every: str, sources: str, db: str | None, log_file: str | None = None,
              extra: list[str] | None = None) -> CronJob:
    """The cron job that crawls ``sources`` into ``db`` every ``every``, logging to ``log_file``."""
    path = sqlite_file(db)
    archive = str(Path(path).absolute()) if path else resolve_db_url(db)
    log = Path(log_file).absolute() if log_file else (
        Path(archive).with_suffix(".log") if path else Path("newscrawler.log").absolute())
    args = [*executable(), "crawl", "--sources", str(Path(sources).absolute()), "--db", archive,
            "--log-file", str(log), *(extra or [])]
    command = " ".join(shlex.quote(a) for a in args) + f" >> {shlex.quote(str(log))} 2>&1"
    return CronJob(cron_schedule(every), command, f"newscrawler:{describe_db(archive)}")


def install(job: CronJob, user: bool | str = True) -> bool:
    """Put ``job`` in the user's crontab, replacing any line with its comment; False if it was already there."""
    from crontab import CronItem, CronTab

    tab = CronTab(user=user)
    existing = list(tab.find_comment(job.comment))
    if len(existing) == 1 and existing[0].render() == job.line:
        return False
    for old in existing:
        tab.remove(old)
    tab.append(CronItem.from_line(job.line, cron=tab))
    tab.write()
    return True


def uninstall(comment: str, user: bool | str = True) -> int:
    """Remove the lines with this comment from the user's crontab; returns how many."""
    from crontab import CronTab

    tab = CronTab(user=user)
    found = list(tab.find_comment(comment))
    for old in found:
        tab.remove(old)
    if found:
        tab.write()
    return len(found)
