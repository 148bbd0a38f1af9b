"""The archived-articles feed: one JSON line per article a crawl writes, on an inherited pipe.

``newscrawler.crawl()`` (:mod:`newscrawler.api`) runs the CLI in a subprocess and passes the
write end of a pipe as ``ARCHIVE_NOTIFY_FD``; the store pipeline writes to it, after each batch
transaction commits, ``{"run": ID}`` once and then ``{"id": N, "url": URL, "outcome": "inserted"}``
(or ``"updated"``) per article, so the caller reads each article back from the archive as soon as
it is there. Unset (0), nothing is written. A reader that went away stops the feed, not the crawl.
"""

from __future__ import annotations

import json
import logging
import os
from typing import IO

logger = logging.getLogger(__name__)

ARCHIVED = ("inserted", "updated")


class ArchivedFeed:
    """Writes the feed to file descriptor ``fd`` (0: off)."""

    def __init__(self, fd: int) -> None:
        self._out: IO[str] | None = None
        if fd > 0:
            try:
                self._out = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
            except OSError as exc:
                logger.warning("Cannot write the archived-articles feed to descriptor %s: %s", fd, exc)

    def run(self, run_id: int | None) -> None:
        self._write({"run": run_id})

    def archived(self, outcomes: dict[str, tuple[str, int | None]]) -> None:
        """The articles of one committed batch (canonical URL -> (outcome, id))."""
        for url, (outcome, article_id) in outcomes.items():
            if outcome in ARCHIVED and article_id is not None:
                self._write({"id": article_id, "url": url, "outcome": outcome})

    def _write(self, record: dict[str, object]) -> None:
        if self._out is None:
            return
        try:
            self._out.write(json.dumps(record) + "\n")
        except (OSError, ValueError) as exc:  # the reader is gone (BrokenPipeError) or closed it
            logger.info("The archived-articles feed stopped: %s", exc)
            self.close()

    def close(self) -> None:
        if self._out is not None:
            out, self._out = self._out, None
            try:
                out.close()
            except OSError:
                pass  # a broken pipe at close: nothing left to tell anyone
