"""``crawl --warc``, end to end: a crawl of the demo site (plus a redirect and a 404) writes WARC
files that warcio reads back whole with their digests, each archived article's record holds the
page byte for byte and is found through the CDXJ index, ``show --raw`` reads it, ``export --format
warc`` writes the archive's pages (also of an archive without headers), and a crawl killed with
``kill -9`` leaves readable files. pywb replays an article when NEWSCRAWLER_PYWB_PYTHON names a
Python with pywb installed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.article import WarcLocation
from archive.capture import read_record
from archive.cdxj import cdxj_path, lookup
from newscrawler.demo.server import DemoServer
from tests.support.cli import LOCAL, ROOT, Result, cli, rows

pytestmark = pytest.mark.e2e


def read_all(path: Path) -> list[dict[str, Any]]:
    """Every record of a WARC file, read to its end with its digests checked."""
    out = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            payload = record.raw_stream.read()
            out.append({"type": record.rec_type, "url": record.rec_headers.get_header("WARC-Target-URI"),
                        "status": record.http_headers.get_statuscode() if record.http_headers else None,
                        "passed": record.digest_checker.passed, "problems": list(record.digest_checker.problems),
                        "payload": payload, "headers": record.rec_headers})
    return out


@pytest.fixture(scope="module")
def warc_crawl(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    """The demo site crawled with --warc, with a start URL that redirects (301) and one that is missing (404)."""
    tmp = tmp_path_factory.mktemp("warc")
    db, warcs = tmp / "news.sqlite3", tmp / "warcs"
    result = cli("crawl", site.base_url + "/", site.base_url + "/section/business", site.base_url + "/no-such-page",
                 "--db", str(db), "--warc", str(warcs), *LOCAL)
    return db, warcs, result


def test_every_exchange_is_written_and_reads_back_with_its_digests(warc_crawl: tuple[Path, Path, Result],
                                                                   site: DemoServer) -> None:
    db, warcs, result = warc_crawl
    assert result.code == 3, result.stderr  # partial: the 404 start URL
    assert "no-such-page" in result.stderr
    files = sorted(warcs.glob("*.warc.gz"))
    [run_id] = rows(db, "SELECT id FROM runs WHERE command = 'crawl'")[0]
    assert files and all(f.name.startswith(f"newscrawler-run{run_id}-") for f in files)
    records = [r for f in files for r in read_all(f)]
    assert records[0]["type"] == "warcinfo"
    for record in records[1:]:
        assert record["passed"] in (True, None) and not record["problems"], record["url"]
        assert record["passed"] is True or record["type"] == "revisit"
    responses = [r for r in records if r["type"] in ("response", "revisit")]
    assert len([r for r in records if r["type"] == "request"]) == len(responses)
    stats = json.loads(rows(db, "SELECT stats FROM runs WHERE id = ?", run_id)[0][0])
    # robots.txt is downloaded once (the robots.txt middleware's download answers the spider's request
    # of it too: counted as a response again, recorded once)
    assert stats["robotstxt/reused"] == 1
    assert len(responses) == stats["downloader/response_count"] - stats["robotstxt/reused"]
    assert [r["url"] for r in responses].count(site.base_url + "/robots.txt") == 1
    assert stats["warc/records"] == len(records) - len(files) and stats["warc/bytes"] == sum(
        f.stat().st_size for f in files)
    by_url = {(r["url"], r["status"]) for r in responses}
    base = site.base_url
    assert (base + "/robots.txt", "200") in by_url
    assert (base + "/section/business", "301") in by_url and (base + "/section/business/", "200") in by_url
    assert (base + "/no-such-page", "404") in by_url
    assert (base + "/sitemap_index.xml", "200") in by_url and (base + "/feed.xml", "200") in by_url


def test_each_article_record_holds_the_page_byte_for_byte(warc_crawl: tuple[Path, Path, Result]) -> None:
    db = warc_crawl[0]
    pages = rows(db, "SELECT final_url, warc_file, warc_offset, warc_length, headers FROM raw_pages")
    assert len(pages) > 20
    for url, path, offset, length, headers in pages:
        record = read_record(WarcLocation(path, offset, length))
        with urllib.request.urlopen(url) as response:  # the page as the site serves it
            served = response.read()
        assert record.body == served, url
        assert record.record_type == "response"
        names = [name for name, _ in json.loads(headers)]
        assert {"Content-Type", "Content-Length", "Server", "Date"} <= set(names)


def test_a_crawl_without_warc_keeps_the_headers_and_no_capture(crawled: tuple[Path, Result, list]) -> None:
    pages = rows(crawled[0], "SELECT headers, warc_file, warc_offset, warc_length FROM raw_pages")
    assert len(pages) > 20
    for headers, *where in pages:
        assert where == [None, None, None]
        assert ("Server", "HarborHerald/1.0") in [tuple(pair) for pair in json.loads(headers)]


def test_the_cdxj_index_replays_an_article_without_reindexing(warc_crawl: tuple[Path, Path, Result]) -> None:
    db, warcs, _ = warc_crawl
    [(url, article_id)] = rows(db, "SELECT final_url, article_id FROM raw_pages ORDER BY article_id LIMIT 1")
    entries = [(cdxj, e) for cdxj in sorted(warcs.glob("*.cdxj")) for e in lookup(cdxj, url)]
    assert entries
    cdxj, entry = entries[-1]
    assert cdxj == cdxj_path(warcs / entry["filename"])
    lines = cdxj.read_text().splitlines()
    assert lines == sorted(lines)
    record = read_record(WarcLocation(str(warcs / entry["filename"]), int(entry["offset"]), int(entry["length"])))
    assert record.url == url and record.status == 200 and b"</html>" in record.body
    assert entry["mime"] == "text/html" and entry["status"] == "200"


def test_show_raw_reads_the_record_and_falls_back_to_the_archive(warc_crawl: tuple[Path, Path, Result],
                                                                 tmp_path: Path) -> None:
    db, warcs, _ = warc_crawl
    [(article_id, path, offset, length)] = rows(
        db, "SELECT article_id, warc_file, warc_offset, warc_length FROM raw_pages ORDER BY article_id LIMIT 1")
    expected = read_record(WarcLocation(path, offset, length)).body
    out = tmp_path / "page.html"
    result = cli("show", str(article_id), "--raw", "-o", str(out), "--db", str(db))
    assert result.code == 0 and result.stderr == "" and out.read_bytes() == expected
    copy = copy_db(db, tmp_path / "copy.sqlite3")
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE raw_pages SET warc_file = ? WHERE article_id = ?", (str(tmp_path / "gone.warc.gz"),
                                                                                 article_id))
    fallback = cli("show", str(article_id), "--raw", "--db", str(copy))
    assert fallback.code == 0 and "gone.warc.gz" in fallback.stderr and "archive's copy" in fallback.stderr
    assert fallback.stdout.encode() == expected


def copy_db(db: Path, target: Path) -> Path:
    """A private copy of an archive (its WAL included) for a test that changes it."""
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def exported(path: Path) -> list[dict[str, Any]]:
    return read_all(path)


def test_export_warc_copies_the_captures_and_says_when_headers_were_not_recorded(
        warc_crawl: tuple[Path, Path, Result], tmp_path: Path) -> None:
    db = warc_crawl[0]
    out = tmp_path / "export.warc.gz"
    result = cli("export", "--format", "warc", "-o", str(out), "--db", str(db))
    assert result.code == 0, result.stderr
    pages = dict(rows(db, "SELECT final_url, warc_file || ':' || warc_offset FROM raw_pages"))
    records = exported(out)
    assert records[0]["type"] == "warcinfo"
    responses = records[1:]
    assert sorted(r["url"] for r in responses) == sorted(pages) and all(r["passed"] is True for r in responses)
    assert all(r["headers"].get_header("WARC-Newscrawler-Note") is None for r in responses)
    assert f"{len(pages)} records as captured" in result.stderr
    # an archive of before this change: no headers, no captures
    old = copy_db(db, tmp_path / "old.sqlite3")
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE raw_pages SET headers = NULL, warc_file = NULL, warc_offset = NULL, warc_length = NULL")
    old_out = tmp_path / "old.warc.gz"
    result = cli("export", "--format", "warc", "-o", str(old_out), "--db", str(old))
    assert result.code == 0 and f"{len(pages)} without headers" in result.stderr
    rebuilt = exported(old_out)[1:]
    assert len(rebuilt) == len(pages) and all(r["passed"] is True for r in rebuilt)
    assert all(r["headers"].get_header("WARC-Newscrawler-Note").startswith("headers not recorded") for r in rebuilt)
    by_url = {r["url"]: r["payload"] for r in rebuilt}
    for record in responses:
        assert record["payload"] == by_url[record["url"]]  # the same page, from the archive's copy


@pytest.fixture
def slow_site() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


def test_a_crawl_killed_with_kill_9_leaves_readable_files(slow_site: DemoServer, tmp_path: Path) -> None:
    warcs, log = tmp_path / "warcs", tmp_path / "crawl.log"
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    polite = ["-s", "DOWNLOAD_DELAY=0.5", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", slow_site.base_url + "/",
                                 "--db", str(tmp_path / "news.sqlite3"), "--warc", str(warcs), *polite],
                                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not responses_written(warcs, 3):
            time.sleep(0.05)
        assert proc.poll() is None, f"the crawl ended before it could be killed: {log.read_text()}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    [path] = list(warcs.glob("*.warc.gz"))
    records = read_all(path)
    assert records[0]["type"] == "warcinfo" and len(records) >= 7
    assert all(r["passed"] is True and not r["problems"] for r in records[1:] if r["type"] != "revisit")
    assert [r["type"] for r in records[1:]][:2] == ["request", "response"]
    rebuilt = subprocess.run([sys.executable, "-m", "archive.cdxj", str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert rebuilt.returncode == 0 and rebuilt.stdout.strip() == str(cdxj_path(path))
    assert len(cdxj_path(path).read_text().splitlines()) == sum(r["type"] in ("response", "revisit") for r in records)


def responses_written(warcs: Path, count: int) -> bool:
    """Whether a WARC file in ``warcs`` has ``count`` response records (read as it grows)."""
    for path in warcs.glob("*.warc.gz"):
        try:
            with open(path, "rb") as stream:
                found = sum(1 for r in ArchiveIterator(stream) if r.rec_type == "response")
        except Exception:  # noqa: BLE001 - a record being written: look again
            continue
        if found >= count:
            return True
    return False


PYWB = os.environ.get("NEWSCRAWLER_PYWB_PYTHON")


@pytest.mark.skipif(not PYWB, reason="set NEWSCRAWLER_PYWB_PYTHON to a Python with pywb installed")
def test_pywb_replays_an_archived_article(warc_crawl: tuple[Path, Path, Result], tmp_path: Path) -> None:
    db, warcs, _ = warc_crawl
    [(url,)] = rows(db, "SELECT final_url FROM raw_pages ORDER BY article_id LIMIT 1")
    collection = tmp_path / "collections" / "news"
    (collection / "archive").mkdir(parents=True)
    (collection / "indexes").mkdir()
    for path in warcs.glob("*.warc.gz"):
        shutil.copy(path, collection / "archive")
    lines = sorted(line for path in warcs.glob("*.cdxj") for line in path.read_text().splitlines())
    (collection / "indexes" / "index.cdxj").write_text("\n".join(lines) + "\n")
    (tmp_path / "config.yaml").write_text("collections_root: collections\n")
    # pywb's own WSGI app, called in-process (webtest): the original page (id_), as indexed by our CDXJ
    script = ("import sys\nfrom pathlib import Path\nfrom webtest import TestApp\n"
              "from pywb.apps.frontendapp import FrontEndApp\n"
              "r = TestApp(FrontEndApp()).get('/news/id_/' + sys.argv[1])\n"
              "assert r.headers['Memento-Datetime'], r.headers\nPath(sys.argv[2]).write_bytes(r.body)\n")
    assert PYWB is not None
    out = tmp_path / "replayed.html"
    replay = subprocess.run([PYWB, "-c", script, url, str(out)], cwd=tmp_path, capture_output=True, timeout=120)
    assert replay.returncode == 0, replay.stderr.decode(errors="replace")
    [(path, offset, length)] = rows(db, "SELECT warc_file, warc_offset, warc_length FROM raw_pages WHERE final_url = ?",
                                    url)
    assert out.read_bytes() == read_record(WarcLocation(path, offset, length)).body


def test_import_warc_of_the_crawls_files_gives_the_same_articles(warc_crawl: tuple[Path, Path, Result],
                                                                 tmp_path: Path) -> None:
    """The round trip: the files ``crawl --warc`` wrote, imported into an empty archive."""
    from tests.test_warc_import import articles, comparable

    db, warcs, _ = warc_crawl
    files = sorted(warcs.glob("*.warc.gz"))
    imported = tmp_path / "imported.sqlite3"
    result = cli("import-warc", *map(str, files), "--db", str(imported))
    assert result.code == 0, result.stderr
    assert len(articles(imported)) > 20
    assert comparable(articles(imported)) == comparable(articles(db))
    again = cli("import-warc", *map(str, files), "--db", str(imported))  # twice adds nothing
    assert again.code == 0 and "0 new, 0 updated" in again.stderr, again.stderr
