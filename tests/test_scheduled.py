"""Scheduled crawls: a site that changes between runs, incremental requests, versions, run records."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from newscrawler.demo.server import DemoServer
from tests.support.changing_site import ChangingSite
from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import QuietHandler, serving

pytestmark = pytest.mark.e2e

ARTICLE = "/2026/01/"


@pytest.fixture
def gazette(tmp_path: Path):
    site = ChangingSite(tmp_path / "site")
    site.root.mkdir()
    for slug in ("alpha-one", "beta-two", "gamma-three"):
        site.add(slug)
    site.write()
    with DemoServer(root=site.root) as server:
        yield site, server


def crawl(server: DemoServer, db: Path, *extra: str) -> tuple[object, list[tuple[str, str, int]]]:
    start = len(server.requests)
    result = cli("crawl", server.base_url + "/", "--db", str(db), *LOCAL, *extra)
    assert result.code == 0, result.stderr
    return result, [(path, status) for _, path, status in server.requests[start:] if path != "/robots.txt"]


def articles(db: Path) -> dict[str, tuple[str, int]]:
    """path -> (title, number of versions)."""
    found = rows(db, "SELECT a.canonical_url, a.title, count(v.id) FROM articles a "
                     "JOIN article_versions v ON v.article_id = a.id GROUP BY a.id")
    return {url.split("/", 3)[3].join(["/", ""]): (title, n) for url, title, n in found}


def test_three_runs_of_a_changing_site(gazette, tmp_path: Path) -> None:
    site, server = gazette
    db = tmp_path / "news.sqlite3"
    paths = {slug: site.stories[slug].path for slug in site.stories}

    # Run 1: everything is new.
    _, requests = crawl(server, db)
    assert sorted(requests) == sorted([("/", 200), ("/sitemap.xml", 200), ("/feed.xml", 200)]
                                      + [(p, 200) for p in paths.values()])
    assert articles(db) == {p: (site.stories[s].title, 1) for s, p in paths.items()}

    # Between runs: a new article, an edited one (new title and text, newer sitemap lastmod), a removed one.
    time.sleep(1.1)  # the edit's lastmod must be later than run 1's fetch (stored to the second)
    delta = site.add("delta-four")
    site.edit("beta-two", title="Beta Two makes the news (updated)")
    site.remove("gamma-three")
    site.write()

    # Run 2: discovery documents changed (200), the new and the edited article are fetched; alpha is not.
    result, requests = crawl(server, db)
    assert sorted(requests) == sorted([("/", 200), ("/sitemap.xml", 200), ("/feed.xml", 200),
                                       (delta.path, 200), (paths["beta-two"], 200)])
    assert "1 new, 1 updated" in result.stderr
    assert articles(db) == {
        paths["alpha-one"]: ("Alpha One makes the news", 1),
        paths["beta-two"]: ("Beta Two makes the news (updated)", 2),
        paths["gamma-three"]: ("Gamma Three makes the news", 1),  # removed from the site, kept in the archive
        delta.path: ("Delta Four makes the news", 1),
    }

    # Run 3, nothing changed: only discovery documents, answered 304; no article page at all.
    result, requests = crawl(server, db)
    assert sorted(requests) == [("/", 200), ("/feed.xml", 304), ("/sitemap.xml", 304)]
    assert "0 new, 0 updated" in result.stderr
    assert len(articles(db)) == 4

    # --revisit: every known article is re-checked with a conditional request, the removed one too.
    _, requests = crawl(server, db, "--revisit")
    assert {(p, s) for p, s in requests if p.startswith(ARTICLE)} == {
        (paths["alpha-one"], 304), (paths["beta-two"], 304), (delta.path, 304), (paths["gamma-three"], 404)}
    assert rows(db, "SELECT last_status FROM urls WHERE url LIKE ?", "%gamma-three%") == [(404,)]
    assert sum(n for _, n in articles(db).values()) == 5

    # The run records, per site.
    runs = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    assert [r["status"] for r in runs] == ["ok"] * 4
    (counts,) = runs[1]["sites"].values()  # run 3
    assert counts["new"] == 0 and counts["not_modified"] == 2 and counts["skipped"] == 3
    assert "fetched" in counts and counts.get("updated", 0) == 0
    (counts,) = runs[2]["sites"].values()  # run 2
    assert (counts["new"], counts["updated"]) == (1, 1)
    table = cli("runs", "--db", str(db), "--last", "2")
    assert table.code == 0 and table.stdout.count("run ") == 2 and "not modified 2" in table.stdout

    # Versions and the diff.
    beta = server.base_url + paths["beta-two"]
    versions = json.loads(cli("history", beta, "--db", str(db), "--json").stdout)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["title"] == "Beta Two makes the news (updated)"
    assert versions[1]["text"].endswith("A correction was appended.")
    assert versions[0]["fetched_at"] < versions[1]["fetched_at"]
    diff = cli("history", beta, "--db", str(db), "--diff")
    assert diff.code == 0, diff.stderr
    assert "2 versions" in diff.stdout
    assert "-# Beta Two makes the news\n+# Beta Two makes the news (updated)" in diff.stdout
    assert "+A correction was appended." in diff.stdout
    assert "--- v1 " in diff.stdout and "+++ v2 " in diff.stdout


def test_since_skips_old_feed_and_sitemap_entries(gazette, tmp_path: Path) -> None:
    site, server = gazette
    db = tmp_path / "news.sqlite3"
    result, requests = crawl(server, db, "--since", "2026-06-01", "--depth", "0")
    assert not [p for p, _ in requests if p.startswith(ARTICLE)]
    runs = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    (counts,) = runs[0]["sites"].values()
    assert counts["skipped_old"] == 6  # three articles, each in the sitemap and the feed
    bad = cli("crawl", server.base_url + "/", "--db", str(db), "--since", "yesterday-ish")
    assert bad.code == 2 and "--since" in bad.stderr


def test_full_crawl_fetches_known_pages_again(gazette, tmp_path: Path) -> None:
    site, server = gazette
    db = tmp_path / "news.sqlite3"
    crawl(server, db)
    result, requests = crawl(server, db, "--full")
    assert {p for p, s in requests if p.startswith(ARTICLE) and s == 200} == {s.path for s in site.stories.values()}
    assert "0 new, 0 updated, 3 unchanged" in result.stderr


class AgentHandler(QuietHandler):
    agents: list[tuple[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        AgentHandler.agents.append((self.headers.get("User-Agent", ""), self.headers.get("Accept-Language", "")))
        self.reply(200, b"<html><head><title>Agents</title></head><body><h1>Hello</h1></body></html>")


def test_crawl_with_a_sources_file(tmp_path: Path) -> None:
    site = ChangingSite(tmp_path / "site", lang=None)
    site.root.mkdir()
    for slug in ("alpha-one", "beta-two", "gamma-three"):
        site.add(slug)
    site.write()
    db = tmp_path / "news.sqlite3"
    sources = tmp_path / "sources.toml"
    with DemoServer(root=site.root) as server, serving(AgentHandler) as agent_url:
        sources.write_text(f"""
[[site]]
name = "Gazette"
url = "{server.base_url}/"
deny = ['gamma']
max_articles = 1

[[site]]
name = "Agents"
url = "{agent_url}/"
user_agent = "GazetteBot/9.9 (+https://example.org/bot)"
language = "de"
delay = 0.2

[[site]]
name = "Switched off"
url = "http://127.0.0.1:9/"
enabled = false
""", encoding="utf-8")
        check = cli("sources", "check", str(sources))
        assert check.code == 0 and "3 sites (2 enabled)" in check.stderr
        result = cli("crawl", "--sources", str(sources), "--db", str(db), *LOCAL)
        requested = [path for _, path, _ in server.requests]
    assert result.code == 0, result.stderr
    assert not [p for p in requested if "gamma" in p]
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]  # max_articles = 1
    assert ("GazetteBot/9.9 (+https://example.org/bot)", "de,*;q=0.5") in AgentHandler.agents
    (run,) = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    assert len(run["sites"]) == 2
    gazette_counts = run["sites"][server.base_url.split("//")[1]]
    assert gazette_counts["new"] == 1 and gazette_counts["dropped/site_max_articles"] == 1


def test_sources_check_names_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text('[[site]]\nname = "One"\nurl = "https://one.example/"\ndepth = -1\n\n'
                   '[[site]]\nname = "One"\nurls = ["https://two.example/", "ftp://nope"]\n'
                   'deny = ["(unclosed"]\ncolour = "red"\n\n[[site]]\nfeeds = ["https://x.example/rss"]\n',
                   encoding="utf-8")
    result = cli("sources", "check", str(bad))
    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}:4: depth: must be at least 0, got -1",
        f"error: {bad}:7: name: duplicate site name 'One' (first on line 2)",
        f"error: {bad}:8: urls: not an http(s) URL: 'ftp://nope'",
        f"error: {bad}:9: deny: bad regular expression '(unclosed': missing ), unterminated subpattern at position 0",
        f"error: {bad}:10: colour: unknown field (known: allow, crawl_delay, delay, deny, depth, enabled, feeds, "
        "language, max_articles, name, profile, sitemaps, url, urls, user_agent)",
        f"error: {bad}:12: site has no 'url' or 'urls'",
    ]
    crawl_result = cli("crawl", "--sources", str(bad), "--db", str(tmp_path / "x.sqlite3"))
    assert crawl_result.code == 1 and f"{bad}:4: depth" in crawl_result.stderr
    assert cli("sources", "check", str(Path(__file__).parent.parent / "sources.example.toml")).code == 0


def test_a_crawl_stopped_by_a_limit_is_completed_by_the_next(gazette, tmp_path: Path) -> None:
    site, server = gazette
    db = tmp_path / "news.sqlite3"
    crawl(server, db, "--max-articles", "1")
    (first,) = [p for (p,) in rows(db, "SELECT canonical_url FROM articles")]
    _, requests = crawl(server, db)
    fetched = {p for p, s in requests if p.startswith(ARTICLE) and s == 200}
    assert fetched == {s.path for s in site.stories.values()} - {"/" + first.split("/", 3)[3]}
    assert ("/sitemap.xml", 200) in requests and ("/feed.xml", 200) in requests  # read in full, not 304
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]


def test_progress_on_a_terminal_only(gazette, tmp_path: Path) -> None:
    from tests.support.cli import run_on_a_pty

    site, server = gazette
    code, shown = run_on_a_pty(["crawl", server.base_url + "/", "--db", str(tmp_path / "tty.sqlite3"), *LOCAL])
    assert code == 0, shown
    assert "\033[2K" in shown and "pages " in shown  # rich's Live erases and redraws its lines
    assert f"{server.base_url.split('//')[1]}: fetched " in shown  # a live line per site
    import re

    last = re.sub(r"\x1b\[[?\d;]*[A-Za-z]", "", shown.rstrip().splitlines()[-1])
    assert last.startswith("3 new, 0 updated")  # the display is cleared, then the one summary line
    plain = cli("crawl", server.base_url + "/", "--db", str(tmp_path / "plain.sqlite3"), *LOCAL)
    assert "\033" not in plain.stderr and "\r" not in plain.stderr
    assert len(plain.stderr.strip().splitlines()) == 1
    quiet = cli("crawl", server.base_url + "/", "--db", str(tmp_path / "plain.sqlite3"), *LOCAL, "--quiet")
    assert quiet.code == 0 and quiet.stderr == ""


def test_revisits_follow_the_schedule(gazette, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from archive.models import to_utc_text

    site, server = gazette
    fresh = site.add("fresh-story")
    fresh.published = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    site.write()
    db = tmp_path / "news.sqlite3"
    schedule = ("-s", "CRAWL_REVISIT_SCHEDULE=30s,1h")  # 30 s: two crawls fit in it on a loaded machine
    crawl(server, db, *schedule)
    (next_check, article_id), = rows(db, "SELECT next_check, article_id FROM urls WHERE url LIKE ?",
                                     "%fresh-story%")
    assert next_check is not None and article_id is not None  # old stories (January) have no revisit left
    assert rows(db, "SELECT count(*) FROM urls WHERE kind = 'article' AND next_check IS NOT NULL") == [(1,)]
    _, requests = crawl(server, db, *schedule)
    assert not [p for p, _ in requests if p.startswith(ARTICLE)]  # not due yet
    wait = datetime.fromisoformat(next_check).timestamp() + 0.5 - time.time()
    if wait > 35:  # a slow first crawl missed the 30 s step, so the next is 1 h on:
        with sqlite3.connect(db) as conn:  # let that hour pass in the archive instead of sleeping it
            conn.execute("UPDATE urls SET next_check = ? WHERE url LIKE ?",
                         (to_utc_text(datetime.fromtimestamp(time.time() - 1, UTC)), "%fresh-story%"))
        (next_check,) = rows(db, "SELECT next_check FROM urls WHERE url LIKE ?", "%fresh-story%")[0]
        wait = 0.0
    time.sleep(max(0.0, wait))
    site.edit("fresh-story", extra="An update, an hour on.")
    site.write()
    result, requests = crawl(server, db, *schedule)
    assert [p for p, _ in requests if p.startswith(ARTICLE)] == [fresh.path]  # due: re-checked, changed
    assert "0 new, 1 updated" in result.stderr
    (later,) = rows(db, "SELECT next_check FROM urls WHERE url LIKE ?", "%fresh-story%")[0]
    assert later > next_check  # the next step of the schedule (1 h after publication)
