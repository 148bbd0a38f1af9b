"""Running the ``newscrawler`` command in a subprocess, as cron would, and reading what it wrote."""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"
# Politeness lifted: the sites are ours, on 127.0.0.1.
LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def cli(*args: str, cwd: Path | None = None, timeout: float = 180, env: dict[str, str] | None = None) -> Result:
    """Run ``newscrawler ARGS`` in a subprocess, as cron would."""
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    full_env.update(PYTHONUNBUFFERED="1", **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "newscrawler", *args], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    """The rows of ``sql`` on the SQLite archive ``db``, opened read-only."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def run_on_a_pty(args: list[str]) -> tuple[int, str]:
    """``newscrawler ARGS`` with stderr on a pseudo-terminal: (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=180)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")
