"""One writer crawl per archive: an OS advisory lock on ``<archive>.lock``.

``fcntl.flock`` is released by the kernel when its process dies, so a lock file
left behind by a killed crawl (``kill -9``) is not held by anyone: the next
crawl takes it over and says so. The file holds the holder's PID, host and
start time, for the message a second crawl prints. Readers never lock.

Workers of one shared frontier (``crawl --frontier``) take the lock *shared*:
they run together, while a plain crawl (exclusive) and they exclude each other.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from archive.errors import ArchiveError

logger = logging.getLogger(__name__)


class ArchiveLocked(ArchiveError):
    """Another live process holds the archive's lock."""

    def __init__(self, path: str, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        who = f"PID {holder.get('pid', '?')}"
        if holder.get("host") and holder.get("host") != socket.gethostname():
            who += f" on {holder['host']}"
        if holder.get("started"):
            who += f", started {holder['started']}"
        super().__init__(f"archive {path} is locked by another crawl ({who})")


def lock_path_for(db_path: str) -> Path:
    return Path(f"{db_path}.lock")


def _read_holder(handle: IO[str]) -> dict[str, Any]:
    handle.seek(0)
    text = handle.read().strip()
    if not text:
        return {}
    try:
        holder = json.loads(text)
    except ValueError:
        return {"raw": text[:100]}
    return holder if isinstance(holder, dict) else {}


class ArchiveLock:
    """``with ArchiveLock(path):`` holds the lock of the archive file ``path`` (raises ArchiveLocked)."""

    def __init__(self, db_path: str, command: str = "crawl", shared: bool = False) -> None:
        self.db_path = db_path
        self.path = lock_path_for(db_path)
        self.command = command
        self.shared = shared
        self.stale: dict[str, Any] | None = None  # the holder recorded by a dead process, when taken over
        self._handle: IO[str] | None = None

    def acquire(self) -> Self:
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError as exc:
            raise ArchiveError(f"cannot lock archive {self.db_path}: cannot create {self.path}: "
                               f"{exc.strerror or exc}") from exc
        try:
            fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            handle.close()
            raise ArchiveLocked(self.db_path, holder) from None
        except OSError:
            handle.close()
            raise
        if self.shared:  # other workers may hold it too: the file keeps what an exclusive holder wrote
            self._handle = handle
            return self
        previous = _read_holder(handle)
        if previous:
            self.stale = previous
            logger.warning("Took over a stale lock on %s left by PID %s (started %s)", self.db_path,
                           previous.get("pid", "?"), previous.get("started", "?"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
                                 "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        """Empty the file (a clean exit leaves no holder) and unlock. The file stays: unlinking races."""
        if self._handle is None:
            return
        try:
            if not self.shared:
                self._handle.seek(0)
                self._handle.truncate()
                self._handle.flush()
        finally:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
