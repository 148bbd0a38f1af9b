"""`newscrawler schedule`: the crontab line, and --install into the real user crontab (restored after)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import ROOT, cli

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "sources.example.toml"


def test_schedule_prints_a_crontab_line_with_absolute_paths(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    result = cli("schedule", "--every", "30m", "--sources", str(EXAMPLE), "--db", str(db))
    assert result.code == 0, result.stderr
    line = result.stdout.strip()
    exe = Path(sys.executable).parent / "newscrawler"
    assert line == (f"*/30 * * * * {exe} crawl --sources {EXAMPLE} --db {db} --log-file {tmp_path / 'news.log'}"
                    f" >> {tmp_path / 'news.log'} 2>&1 # newscrawler:{db}")
    assert cli("schedule", "--every", "2h", "--sources", str(EXAMPLE), "--db", str(db)).stdout.startswith(
        "0 */2 * * * ")
    bad = cli("schedule", "--every", "45m", "--sources", str(EXAMPLE), "--db", str(db))
    assert bad.code == 2 and "cron cannot run every 45m" in bad.stderr


@pytest.fixture
def user_crontab() -> Iterator[None]:
    """The user's crontab, restored (or removed) afterwards."""
    if shutil.which("crontab") is None:
        pytest.skip("no crontab binary (.ci/run installs Debian's cron package)")
    saved = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    try:
        yield
    finally:
        if saved.returncode == 0:
            subprocess.run(["crontab", "-"], input=saved.stdout, text=True, check=True)
        else:
            subprocess.run(["crontab", "-r"], capture_output=True)


def test_install_is_idempotent(user_crontab: None, tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    args = ("schedule", "--every", "15m", "--sources", str(EXAMPLE), "--db", str(db), "--install")
    first, second = cli(*args), cli(*args)
    assert first.code == 0 and "installed in your crontab" in first.stderr, first.stderr
    assert second.code == 0 and "already in your crontab" in second.stderr, second.stderr
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=True).stdout
    ours = [line for line in listed.splitlines() if f"# newscrawler:{db}" in line]
    assert ours == [first.stdout.strip()]
    changed = cli("schedule", "--every", "1h", "--sources", str(EXAMPLE), "--db", str(db), "--install")
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=True).stdout
    assert [line for line in listed.splitlines() if f"# newscrawler:{db}" in line] == [changed.stdout.strip()]
    removed = cli("schedule", "--every", "1h", "--sources", str(EXAMPLE), "--db", str(db), "--uninstall")
    assert removed.code == 0 and "removed 1 line" in removed.stderr
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
    assert f"newscrawler:{db}" not in listed
