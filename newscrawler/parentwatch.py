"""Worker processes that exit as soon as the crawl that started them is gone (even after kill -9)."""

from __future__ import annotations

import os
import select
import threading
import time

PARENT_POLL_SECONDS = 1.0


def _wait_for_exit(pid: int) -> None:
    """Return once process ``pid`` has exited (a pidfd where the OS has one, else polling)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # not Linux >= 5.3: poll the pid
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            except PermissionError:
                pass
            time.sleep(PARENT_POLL_SECONDS)
    try:
        select.select([pidfd], [], [])  # readable once the process has terminated
    finally:
        os.close(pidfd)


def watch_parent(pid: int) -> None:
    """Exit this worker as soon as the crawling process ``pid`` is gone.

    A forkserver worker is the child of the forkserver, not of the crawl, and
    holds the forkserver's "alive" pipe itself, so after a ``kill -9`` of the
    crawl neither would ever exit (and PR_SET_PDEATHSIG would watch the wrong
    parent). A daemon thread waits on a pidfd of the crawl instead.
    """

    def watch() -> None:
        _wait_for_exit(pid)
        os._exit(1)  # nothing to clean up: the crawl that wanted our results is gone

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
