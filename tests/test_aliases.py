"""Copies of an article leave a trace: real crawls of a site with copies, then the read commands."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from newscrawler.demo.server import DemoServer
from tests.support.changing_site import ChangingSite, Story
from tests.support.cli import LOCAL, cli, rows

pytestmark = pytest.mark.e2e

HOME = '<nav><a href="/">Home</a></nav>'


def link_from(site: ChangingSite, story: Story, target: str) -> None:
    """Add a link to ``target`` on ``story``'s page only: the crawl meets it after the story."""
    page = site.root / story.path.lstrip("/")
    page.write_text(page.read_text().replace(HOME, f'<nav><a href="/">Home</a> <a href="{target}">More</a></nav>'))


def write_page(site: ChangingSite, path: str, like: Story) -> None:
    (site.root / path.lstrip("/")).write_text(site._article(like), encoding="utf-8")


@pytest.fixture
def copies(tmp_path: Path):
    """Run 1's site: a print page of beta declaring beta's canonical URL (same_canonical) and a
    mirror of delta under its own canonical URL (duplicate_body), each linked from its original."""
    site = ChangingSite(tmp_path / "site")
    site.root.mkdir()
    alpha, beta, delta = (site.add(slug) for slug in ("alpha-one", "beta-two", "delta-four"))
    site.write()
    write_page(site, "/2026/01/beta-two-print.html", beta)  # beta's page: its canonical link is beta's
    mirror = replace(delta, slug="delta-four-mirror")
    write_page(site, mirror.path, mirror)
    link_from(site, beta, "/2026/01/beta-two-print.html")
    link_from(site, delta, mirror.path)
    with DemoServer(root=site.root) as server:
        yield site, server, alpha


def test_copies_become_aliases_that_the_read_commands_resolve(copies, tmp_path: Path) -> None:
    site, server, alpha = copies
    db = tmp_path / "news.sqlite3"
    base = server.base_url
    first = cli("crawl", base + "/", "--db", str(db), *LOCAL)
    assert first.code == 0, first.stderr
    assert ", 2 duplicates, 0 dropped" in first.stderr
    ids = dict(rows(db, "SELECT canonical_url, id FROM articles"))
    beta, delta = ids.pop(f"{base}/2026/01/beta-two.html"), ids.pop(f"{base}/2026/01/delta-four.html")
    assert list(ids) == [f"{base}{alpha.path}"]  # no copy is an article
    expected = {f"{base}/2026/01/beta-two-print.html": (beta, "same_canonical"),
                f"{base}/2026/01/delta-four-mirror.html": (delta, "duplicate_body")}
    assert {url: (owner, why) for url, owner, why in rows(db, "SELECT url, article_id, reason FROM aliases")} == expected
    # The URL states carry the decision and the article repeated; the originals' states do not.
    states = {url: (owner, why) for url, owner, why in rows(db, "SELECT url, article_id, reason FROM urls "
                                                              "WHERE url LIKE '%/2026/01/%'")}
    assert states == {**expected, f"{base}/2026/01/beta-two.html": (beta, None),
                      f"{base}/2026/01/delta-four.html": (delta, None), f"{base}{alpha.path}": (ids.popitem()[1], None)}

    # Run 2: a syndicated copy of an article stored by run 1, under its own canonical URL.
    syndicated = site.add("alpha-syndicated")
    syndicated.title, syndicated.body = alpha.title, alpha.body
    site.write()
    second = cli("crawl", base + "/", "--db", str(db), *LOCAL)
    assert second.code == 0, second.stderr
    (alpha_id,) = rows(db, "SELECT id FROM articles WHERE canonical_url = ?", f"{base}{alpha.path}")[0]
    assert rows(db, "SELECT article_id, reason FROM aliases WHERE url = ?", base + syndicated.path) == [
        (alpha_id, "duplicate_body")]
    (stats,) = rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]
    stats = json.loads(stats)
    assert (stats["archive/aliases"], stats["duplicates/duplicate_body"]) == (1, 1)
    assert not [key for key in stats if key.startswith("dropped/duplicate")]

    # show and history resolve an alias (a note on stderr); export lists it when asked.
    shown = cli("show", base + syndicated.path + "?utm_source=feed", "--db", str(db), "--json")
    assert shown.code == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["id"] == alpha_id and data["title"] == alpha.title
    assert (data["alias"]["duplicate_of"], data["alias"]["reason"]) == (f"{base}{alpha.path}", "duplicate_body")
    assert shown.stderr == (f"note: {base}{syndicated.path}?utm_source=feed is a duplicate of article {alpha_id} "
                            f"({base}{alpha.path})\n")
    history = cli("history", f"{base}/2026/01/beta-two-print.html", "--db", str(db))
    assert history.code == 0 and history.stdout.startswith(f"{base}/2026/01/beta-two.html (article {beta}): 1 version")
    assert f"is a duplicate of article {beta}" in history.stderr
    plain = [json.loads(line) for line in cli("export", "--db", str(db)).stdout.splitlines()]
    assert len(plain) == 3 and not [row for row in plain if "duplicate_of" in row]
    full = [json.loads(line) for line in cli("export", "--include-duplicates", "--db", str(db)).stdout.splitlines()]
    assert {row["url"]: row["duplicate_of_id"] for row in full if row["duplicate_of"]} == {
        **{url: owner for url, (owner, _) in expected.items()}, base + syndicated.path: alpha_id}
    assert len(full) == 6 and all(row["duplicate_of"] is None for row in full if row["url"] in
                                  {f"{base}{alpha.path}", f"{base}/2026/01/beta-two.html"})

    # runs counts them per site.
    table = cli("runs", "--db", str(db)).stdout
    assert "duplicates 1" in table.split("run ")[1] and "duplicates 2" in table.split("run ")[2], table
