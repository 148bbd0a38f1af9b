"""Storage faults: read-only file or directory, missing directory, corrupt or foreign file, full disk.

Each of crawl, search, export, stats and reextract either works (readers on a read-only
archive) or fails with one line naming the path and a non-zero exit, never a traceback;
the file's bytes stay as they were, and what a crawl saved before the disk filled up stays.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archive.engine import open_archive
from archive.storage_faults import storage_error
from tests.support.cli import LOCAL, ROOT, Result, cli

pytestmark = pytest.mark.e2e

READERS = ("search", "export", "stats")
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24


def unprivileged() -> None:
    """In the child: as root, give up the capabilities that bypass file permissions."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run(args: list[str], *, as_user: bool = False, env: dict[str, str] | None = None) -> Result:
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    full_env.update(PYTHONUNBUFFERED="1", **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "newscrawler", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL,
                          preexec_fn=unprivileged if as_user else None)  # noqa: PLW1509 - no threads in the child
    return Result(proc.returncode, proc.stdout, proc.stderr)


def commands(url: str) -> dict[str, list[str]]:
    return {"crawl": ["crawl", url, *LOCAL], "search": ["search", "harbor"], "export": ["export"],
            "stats": ["stats"], "reextract": ["reextract"]}


def run_all(url: str, db: Path, as_user: bool = False, only: tuple[str, ...] = ()) -> dict[str, Result]:
    """Every command (or ``only`` these) on ``db``, a few at a time (each is a subprocess)."""
    with ThreadPoolExecutor(4) as pool:
        futures = {name: pool.submit(run, [*args, "--db", str(db)], as_user=as_user)
                   for name, args in commands(url).items() if not only or name in only}
        return {name: future.result() for name, future in futures.items()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SUMMARY = re.compile(r"^\d+ new, \d+ updated, ")  # the crawl's summary line


def one_line_error(result: Result, *fragments: str) -> None:
    assert result.code != 0, result.stdout
    lines = [line for line in result.stderr.strip().splitlines() if not SUMMARY.match(line)]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def corrupt(db: Path, first_page: int, last_page: int | None = None) -> None:
    """Overwrite the bodies of pages [first_page, last_page) with garbage (page 1 is the header)."""
    data = bytearray(db.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // size
    for page in range(first_page, min(last_page or pages, pages)):
        start = page * size + 8
        data[start:start + size - 16] = hashlib.sha256(bytes(page)).digest() * ((size - 16) // 32)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("fault", ["foreign", "corrupt", "missing_dir"])
def test_unusable_archive_is_one_line_error_and_untouched(site, archive_copy: Path, tmp_path: Path,
                                                          fault: str) -> None:
    db = tmp_path / "news.sqlite3"
    expected = {"foreign": "is not an SQLite database", "corrupt": "is corrupt", "missing_dir": str(db.parent)}[fault]
    if fault == "foreign":
        db.write_bytes(b"%PDF-1.4 this is a report, not an archive\n" * 200)
    elif fault == "corrupt":
        shutil.copy(archive_copy, db)
        corrupt(db, 1)  # every page but the first (the header and the schema's root) is garbage
    else:  # readers and crawl: tests/test_cli.py::test_readers_on_missing_archive, ::test_db_in_missing_directory
        db = tmp_path / "no" / "such" / "news.sqlite3"
    before = digest(db) if db.exists() else None
    only = ("reextract",) if fault == "missing_dir" else ()
    for name, result in run_all(site.base_url + "/", db, only=only).items():
        one_line_error(result, str(db.parent), expected)
        assert (digest(db) if db.exists() else None) == before, name
    assert not (tmp_path / "no").exists()


def test_undecodable_text_of_a_damaged_page_is_corruption_without_its_bytes() -> None:
    """A damaged page that still parses as a row gives text that is not UTF-8: sqlite3 quotes its
    bytes (escape sequences included) in the message; the error names the file and leaves them out."""
    message = "Could not decode to UTF-8 column 'image_url' with text 'http://127.0.0.1m\x1b[\xe9\x0e'"
    error = storage_error("/srv/news.sqlite3", message)
    assert error is not None
    assert str(error) == ("archive /srv/news.sqlite3 is corrupt (Could not decode to UTF-8 column 'image_url'); "
                          "restore a backup or try 'sqlite3 /srv/news.sqlite3 .recover'")


def test_corrupt_data_pages_never_give_a_traceback(site, archive_copy: Path) -> None:
    """Header and schema intact, article pages garbage: each command works or fails in one line.

    Readers leave the file as it was. A writer only finds the damage when it reads a damaged
    page (a full integrity check at each start would read the whole archive), so it may
    have recorded its run by then: its bytes are not compared.
    """
    with sqlite3.connect(archive_copy) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    corrupt(archive_copy, pages // 3, 2 * pages // 3)
    before = digest(archive_copy)
    readers = run_all(site.base_url + "/", archive_copy, only=READERS)
    assert digest(archive_copy) == before
    writers = run_all(site.base_url + "/", archive_copy, only=("crawl", "reextract"))
    for name, result in {**readers, **writers}.items():
        assert "Traceback" not in result.stderr, (name, result.stderr)
        if result.code != 0:
            one_line_error(result, str(archive_copy), "is corrupt")
    assert readers["search"].code != 0 and readers["export"].code != 0


@pytest.mark.parametrize("read_only", ["file", "directory"])
def test_read_only_archive_is_read_but_never_written(site, archive_copy: Path, read_only: str) -> None:
    db = archive_copy
    total = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    before = digest(db)
    target = db if read_only == "file" else db.parent
    mode = target.stat().st_mode
    target.chmod(0o444 if read_only == "file" else 0o555)
    try:
        results = run_all(site.base_url + "/", db, as_user=True)
    finally:
        target.chmod(mode)
    for name in ("crawl", "reextract"):
        one_line_error(results[name], str(db))
        assert "read-only" in results[name].stderr or "Permission denied" in results[name].stderr
    for name in READERS:
        assert results[name].code == 0, (name, results[name].stderr)
    assert len(results["export"].stdout.splitlines()) == total
    assert "harbor" in results["search"].stdout.lower()
    assert digest(db) == before


def pages_of(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA page_count").fetchone()[0]


def test_full_disk_during_a_crawl_keeps_what_was_saved(site, crawled, tmp_path: Path) -> None:
    clean = dict(sqlite3.connect(crawled[0]).execute("SELECT canonical_url, content_hash FROM articles"))
    empty = tmp_path / "empty.sqlite3"
    open_archive(str(empty)).dispose()
    # Room for about half of the site's articles (the rest of the clean archive is theirs).
    limit = pages_of(empty) + (pages_of(crawled[0]) - pages_of(empty)) // 2
    db = tmp_path / "news.sqlite3"
    full = run(["crawl", site.base_url + "/", "--db", str(db), *LOCAL, "-s", "ARCHIVE_BATCH_SIZE=3"],
               env={"NEWSCRAWLER_SQLITE_MAX_PAGES": str(limit)})
    assert full.code in (1, 3), full.stderr
    errors = [line for line in full.stderr.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1 and str(db) in errors[0] and "disk is full" in errors[0], full.stderr
    assert "Traceback" not in full.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        saved = dict(conn.execute("SELECT canonical_url, content_hash FROM articles"))
    assert 0 < len(saved) < len(clean)
    assert saved.items() <= clean.items()
    exported = [json.loads(line) for line in cli("export", "--db", str(db)).stdout.splitlines()]
    assert len(exported) == len(saved) and all(a["text"] for a in exported)

    again = cli("crawl", site.base_url + "/", "--db", str(db), *LOCAL)  # space freed
    assert again.code == 0, again.stderr
    assert dict(sqlite3.connect(db).execute("SELECT canonical_url, content_hash FROM articles")) == clean


def test_full_disk_during_reextract_changes_nothing(archive_copy: Path) -> None:
    db = archive_copy
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET text = 'stale', content_hash = 'x'")
        conn.commit()
        conn.execute("VACUUM")  # no free pages left: restoring the texts needs the file to grow
        before = conn.execute("SELECT id, text FROM articles ORDER BY id").fetchall()
    result = run(["reextract", "--db", str(db)], env={"NEWSCRAWLER_SQLITE_MAX_PAGES": str(pages_of(db))})
    one_line_error(result, str(db), "disk is full")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        after = conn.execute("SELECT id, text FROM articles ORDER BY id").fetchall()
    assert after == before  # the failed batch rolled back whole
