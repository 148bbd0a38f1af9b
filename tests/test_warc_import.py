"""End to end: `newscrawler import-warc` in a subprocess, of WARC files of the demo site on 127.0.0.1.

The WARC files hold the demo server's real HTTP responses (recorded with warcio, or by
``wget --warc-file``); nothing but loopback is contacted, and the import itself contacts nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo.content import ARTICLES
from tests.support.cli import cli, rows
from tests.support.warcs import truncated, with_wrong_digest, write_warc

pytestmark = pytest.mark.e2e


def fetched_urls(base_url: str, requests: list[tuple[str, str, int]]) -> list[str]:
    """Every URL the crawl asked the server for, once each, in the order asked."""
    return list(dict.fromkeys(base_url + path for method, path, _ in requests if method == "GET"))


def articles(db: Path) -> dict[str, tuple[str, str]]:
    """Path -> (title, content hash) of the archive's articles."""
    return {urlsplit(url).path: (title, digest)
            for url, title, digest in rows(db, "SELECT canonical_url, title, content_hash FROM articles")}


def crawled_base(db: Path) -> str:
    """The site the archive ``db`` was crawled from (its first article's scheme and host)."""
    (url,), = rows(db, "SELECT canonical_url FROM articles ORDER BY id LIMIT 1")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def comparable(found: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The articles, a syndicated copy's pair (either of which may be the stored one) under one name."""
    pairs = {a.path: min(a.path, a.duplicate_of) for a in ARTICLES if a.duplicate_of}
    pairs.update({original: name for original, name in [(a.duplicate_of, min(a.path, a.duplicate_of))
                                                         for a in ARTICLES if a.duplicate_of]})
    return {pairs.get(path, path): value for path, value in found.items()}


@pytest.fixture(scope="module")
def site_warc(site, crawled, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gzipped WARC of every response the crawl of the demo site received."""
    _, result, requests = crawled
    assert result.code == 0, result.stderr
    return write_warc(tmp_path_factory.mktemp("warc") / "site.warc.gz", fetched_urls(site.base_url, requests))


def test_import_gives_the_same_articles_as_the_crawl(crawled, site_warc: Path, tmp_path: Path) -> None:
    db = tmp_path / "imported.sqlite3"
    result = cli("import-warc", str(site_warc), "--db", str(db))
    assert result.code == 0, result.stderr
    crawl_db = crawled[0]
    assert comparable(articles(db)) == comparable(articles(crawl_db))
    assert len(articles(db)) > 20
    (command, status, new, args) = rows(db, "SELECT command, status, articles_new, args FROM runs")[0]
    assert (command, status, new) == ("import-warc", "ok", len(articles(db)))
    assert json.loads(args)["files"] == [str(site_warc)]
    # the raw HTML and the URL states, as a crawl keeps them
    (missing,) = rows(db, "SELECT count(*) FROM articles a LEFT JOIN raw_pages r ON r.article_id = a.id "
                          "WHERE r.html_zstd IS NULL")[0]
    assert missing == 0
    kinds = dict(rows(db, "SELECT kind, count(*) FROM urls GROUP BY kind"))
    assert kinds["article"] >= len(articles(db)) and kinds.get("listing", 0) > 0
    # a record that is not HTML (robots.txt, sitemaps, feeds) leaves its trace too
    reasons = dict(rows(db, "SELECT url, reason FROM urls"))
    assert reasons[crawled_base(crawl_db) + "/robots.txt"] == "not_article:non_html"
    assert f"{len(articles(db))} new" in result.stderr


def test_importing_twice_adds_nothing_and_reads_uncompressed_files(site, crawled, tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "site.warc", fetched_urls(site.base_url, crawled[2]), gzip=False)
    db = tmp_path / "twice.sqlite3"
    first = cli("import-warc", str(plain), "--db", str(db))
    assert first.code == 0, first.stderr
    before = rows(db, "SELECT id, canonical_url, content_hash, fetched_at FROM articles ORDER BY id")
    versions = rows(db, "SELECT count(*) FROM article_versions")
    assert comparable(articles(db)) == comparable(articles(crawled[0]))
    second = cli("import-warc", str(plain), "--db", str(db))
    assert second.code == 0, second.stderr
    assert "0 new, 0 updated" in second.stderr
    assert rows(db, "SELECT id, canonical_url, content_hash, fetched_at FROM articles ORDER BY id") == before
    assert rows(db, "SELECT count(*) FROM article_versions") == versions
    runs = rows(db, "SELECT command, status, articles_new, articles_updated FROM runs ORDER BY id")
    assert runs == [("import-warc", "ok", len(before), 0), ("import-warc", "ok", 0, 0)]


def test_wget_warc_of_the_site_archives_its_articles(site, tmp_path: Path) -> None:
    if shutil.which("wget") is None:
        pytest.skip("wget not installed (.ci/run installs it)")
    warc = tmp_path / "wget"
    done = subprocess.run(["wget", "--recursive", "--level=inf", "--no-verbose", "--delete-after",
                           "--no-directories", "-P", str(tmp_path / "files"), f"--warc-file={warc}",
                           site.base_url + "/"], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 8), done.stderr[-2000:]  # 8: some page answered 404
    db = tmp_path / "wget.sqlite3"
    result = cli("import-warc", f"{warc}.warc.gz", "--db", str(db))
    assert result.code == 0, result.stderr
    got = set(articles(db))
    linked = {a.path for a in ARTICLES if not a.disallowed and not a.duplicate_of}
    fetched = {urlsplit(u).path for (u,) in rows(db, "SELECT url FROM urls")}
    assert got, result.stderr
    # every article page wget fetched is archived (a syndicated copy as its original's alias)
    assert {p for p in linked & fetched if not p.startswith("/private/")} <= got
    assert not {p for p in got if p.startswith(("/section/", "/tag/", "/author/"))}


def test_bad_files_give_one_line_errors_and_lose_nothing(site_warc: Path, tmp_path: Path) -> None:
    db = tmp_path / "bad.sqlite3"
    assert cli("import-warc", str(site_warc), "--db", str(db)).code == 0
    before = rows(db, "SELECT id, content_hash FROM articles ORDER BY id")
    junk = tmp_path / "notes.warc"
    junk.write_text("these are notes, not a WARC file\n")
    cut = truncated(site_warc, tmp_path / "cut.warc.gz")

    result = cli("import-warc", str(junk), "--db", str(db))
    assert result.code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {junk}: not a WARC or ARC file (it starts with 'these are notes, not a WARC file')"]
    assert "Traceback" not in result.stderr

    result = cli("import-warc", str(cut), "--db", str(db))
    assert result.code == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {cut}: truncated at offset "), result.stderr
    assert rows(db, "SELECT id, content_hash FROM articles ORDER BY id") == before
    statuses = [s for (s,) in rows(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses == ["ok", "failed", "partial"]


def test_truncated_file_keeps_the_records_before_the_damage(site_warc: Path, tmp_path: Path) -> None:
    db = tmp_path / "cut.sqlite3"
    cut = truncated(site_warc, tmp_path / "cut.warc.gz")
    result = cli("import-warc", str(cut), "--db", str(db))
    assert result.code == 3, result.stderr
    whole = tmp_path / "whole.sqlite3"
    assert cli("import-warc", str(site_warc), "--db", str(whole)).code == 0
    got, everything = set(articles(db)), set(articles(whole))
    assert got <= everything and len(everything - got) <= 1  # at most the last record's article is lost


def test_wrong_digest_record_is_counted_and_skipped(site, tmp_path: Path) -> None:
    article = next(a for a in ARTICLES if not a.disallowed and not a.duplicate_of and a.path.count("/") > 3)
    urls = [site.base_url + "/", site.base_url + article.path]
    plain = write_warc(tmp_path / "two.warc", urls, gzip=False)
    damaged = with_wrong_digest(plain, tmp_path / "damaged.warc", b"</html>", b"</HTML>")
    db = tmp_path / "digest.sqlite3"
    result = cli("import-warc", str(damaged), "--db", str(db))
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "1 bad records skipped (1 digest" in warnings[0], result.stderr
    assert "digest failed" in warnings[0]
    assert article.path not in articles(db)
    (stats,) = rows(db, "SELECT stats FROM runs")[0]
    assert json.loads(stats)["warc/bad/digest"] == 1
    # the same record undamaged is archived
    assert cli("import-warc", str(plain), "--db", str(db)).code == 0
    assert article.path in articles(db)


def test_progress_on_a_terminal_only(site_warc: Path, tmp_path: Path) -> None:
    from tests.support.cli import run_on_a_pty

    code, shown = run_on_a_pty(["import-warc", str(site_warc), "--db", str(tmp_path / "tty.sqlite3")])
    assert code == 0, shown
    assert "\033[2K" in shown and "pages " in shown and "articles " in shown
    # off a terminal (the other tests' runs): no display, only the summary
    quiet = cli("import-warc", str(site_warc), "--db", str(tmp_path / "tty.sqlite3"))
    assert quiet.code == 0 and "\033[" not in quiet.stderr
    assert quiet.stderr.strip().splitlines()[-1].startswith("0 new, 0 updated")


def test_arc_file_of_an_article_page(site, tmp_path: Path) -> None:
    from tests.support.warcs import arc_file, fetch_raw

    article = next(a for a in ARTICLES if not a.disallowed and not a.duplicate_of and a.path.count("/") > 3)
    records = []
    for url in (site.base_url + "/", site.base_url + article.path):
        status, reason, headers, body = fetch_raw(url)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers if k.lower() != "content-length")
        records.append((url, f"HTTP/1.0 {status} {reason}\r\n{head}\r\n".encode() + body))
    arc = arc_file(tmp_path / "site.arc.gz", records, compressed=True)
    db = tmp_path / "arc.sqlite3"
    result = cli("import-warc", str(arc), "--db", str(db))
    assert result.code == 0, result.stderr
    assert list(articles(db)) == [article.path]
    (fetched,) = rows(db, "SELECT fetched_at FROM articles")[0]
    assert fetched == "2026-01-02T03:04:05+00:00"  # the capture date, not the import's


def test_a_redirect_record_is_followed_to_its_captured_target(site, tmp_path: Path) -> None:
    article = next(a for a in ARTICLES if not a.disallowed and not a.duplicate_of and a.path.endswith("/"))
    moved = site.base_url + article.path.rstrip("/")  # the demo site redirects it (301) to the slashed path
    warc = write_warc(tmp_path / "moved.warc.gz", [moved, site.base_url + article.path])
    db = tmp_path / "moved.sqlite3"
    result = cli("import-warc", str(warc), "--db", str(db))
    assert result.code == 0, result.stderr
    assert "1 redirects" in result.stderr
    assert list(articles(db)) == [article.path]
    states = dict(rows(db, "SELECT url, kind FROM urls"))
    assert states == {moved: "article", site.base_url + article.path: "article"}
    assert rows(db, "SELECT url, final_url FROM raw_pages") == [(moved, site.base_url + article.path)]


def test_a_redirect_record_without_its_target_after_it_leaves_a_trace(site, tmp_path: Path) -> None:
    """Its target captured earlier in the file, or not at all: the redirecting URL is kept as a
    URL state (``not_article:redirect``) that explain shows, and counted."""
    article = next(a for a in ARTICLES if not a.disallowed and not a.duplicate_of and a.path.endswith("/"))
    moved = site.base_url + article.path.rstrip("/")
    other = next(a for a in ARTICLES if a.path.endswith("/") and a.path != article.path)
    gone = site.base_url + other.path.rstrip("/")  # redirects to a page these files do not hold
    warc = write_warc(tmp_path / "moved.warc.gz", [site.base_url + article.path, moved, gone])
    db = tmp_path / "moved.sqlite3"
    result = cli("import-warc", str(warc), "--db", str(db))
    assert result.code == 0, result.stderr
    assert list(articles(db)) == [article.path]
    reasons = dict(rows(db, "SELECT url, reason FROM urls WHERE kind = 'not_article'"))
    assert reasons == {moved: "not_article:redirect", gone: "not_article:redirect"}
    (stats,) = rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(stats)["warc/redirects_unmatched"] == 2
    shown = cli("explain", gone, "--db", str(db))
    assert shown.code == 0 and "not_article:redirect" in shown.stdout, shown.stdout + shown.stderr


def test_every_url_redirecting_to_one_target_keeps_its_trace(site, tmp_path: Path) -> None:
    """Two redirect records to the same target: with the target after them, both are recorded with
    the page (as a crawl records a redirect chain); without it, both as ``not_article:redirect``."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    article = next(a for a in ARTICLES if not a.disallowed and not a.duplicate_of and a.path.endswith("/"))
    target = site.base_url + article.path
    olds = [site.base_url + "/old-link-1", site.base_url + "/old-link-2"]
    missing = site.base_url + "/2026/01/01/not-in-these-files/"
    strays = [site.base_url + "/old-link-3", site.base_url + "/old-link-4"]
    warc = write_warc(tmp_path / "two.warc.gz", [])  # an empty WARC, then hand-made redirects and the page
    with warc.open("ab") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, location in [*((u, target) for u in olds), *((u, missing) for u in strays)]:
            headers = StatusAndHeaders("301 Moved Permanently", [("Location", location), ("Content-Length", "0")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(b""), http_headers=headers))
    write_warc(tmp_path / "page.warc.gz", [target])
    with warc.open("ab") as fh:
        fh.write((tmp_path / "page.warc.gz").read_bytes())
    db = tmp_path / "two.sqlite3"
    result = cli("import-warc", str(warc), "--db", str(db))
    assert result.code == 0, result.stderr
    assert list(articles(db)) == [article.path]
    states = dict(rows(db, "SELECT url, reason FROM urls"))
    assert all(url in states for url in olds), states  # reached through the redirects, as the page
    assert {u: states[u] for u in strays} == dict.fromkeys(strays, "not_article:redirect")
    (stats,) = rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(stats)["warc/redirects_unmatched"] == 2


def test_an_import_is_refused_while_a_crawl_holds_the_archive(site_warc: Path, tmp_path: Path) -> None:
    from archive.lock import ArchiveLock

    db = tmp_path / "locked.sqlite3"
    with ArchiveLock(str(db)):  # a crawl holds the archive
        result = cli("import-warc", str(site_warc), "--db", str(db))
    assert result.code == 75, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: archive {db} is locked by another crawl")
    assert not db.exists() or rows(db, "SELECT count(*) FROM articles") == [(0,)]
