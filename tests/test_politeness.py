"""Politeness: identifying User-Agent, robots.txt, retries on 429/5xx honouring Retry-After."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.fetch.middlewares import retry_after_seconds
from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import QuietHandler, serving

STORY = "".join(f"<p>Paragraph {i}: the harbor authority said the quay would reopen after repairs to the "
                f"sea wall, which were delayed by storms in the winter months.</p>" for i in range(8))
ARTICLE = (f"<html><head><title>Quay reopens</title><meta property='og:type' content='article'></head><body>"
           f"<article><h1>Quay reopens</h1>{STORY}</article></body></html>").encode()


class Handler(QuietHandler):
    log: list[tuple[float, str, str]] = []
    failures: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802
        Handler.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
        remaining = Handler.failures.get(self.path, 0)
        if remaining:
            Handler.failures[self.path] = remaining - 1
            too_many = "429" in self.path
            self.reply(429 if too_many else 503, headers={"Retry-After": "2" if too_many else "1"})
        elif self.path == "/robots.txt":
            self.reply(200, b"User-agent: *\nDisallow: /secret/\n", "text/plain")
        else:
            self.reply(200, ARTICLE)


@pytest.fixture
def server() -> Iterator[str]:
    Handler.log = []
    Handler.failures = {"/2026/03/04/quay-429-reopens": 1, "/2026/03/04/quay-503-reopens": 2,
                        "/2026/03/04/quay-down-reopens": 10}
    with serving(Handler) as url:
        yield url


def times(path: str) -> list[float]:
    return [t for t, p, _ in Handler.log if p == path]


@pytest.mark.e2e
def test_retry_after_is_honoured_on_429_and_503(server: str, tmp_path: Path) -> None:
    for path, wait in (("/2026/03/04/quay-429-reopens", 2), ("/2026/03/04/quay-503-reopens", 1)):
        db = tmp_path / f"{wait}.sqlite3"
        result = cli("fetch", server + path, "--db", str(db), *LOCAL)
        assert result.code == 0, result.stderr
        hits = times(path)
        assert len(hits) == (2 if "429" in path else 3)
        assert all(b - a >= wait - 0.05 for a, b in zip(hits, hits[1:])), hits
        assert rows(db, "SELECT count(*) FROM articles") == [(1,)]


@pytest.mark.e2e
def test_gives_up_after_retries(server: str, tmp_path: Path) -> None:
    path = "/2026/03/04/quay-down-reopens"
    result = cli("fetch", server + path, "--db", str(tmp_path / "b.sqlite3"), *LOCAL, "-s", "RETRY_TIMES=1")
    assert result.code == 1 and "HTTP 503" in result.stderr
    assert len(times(path)) == 2


@pytest.mark.e2e
def test_user_agent_and_robots(server: str, tmp_path: Path) -> None:
    result = cli("fetch", server + "/secret/2026/a-b-c", "--db", str(tmp_path / "c.sqlite3"), *LOCAL,
                 "-s", "NEWSCRAWLER_CONTACT_URL=https://me.example/bot")
    assert result.code == 1 and "disallowed by robots.txt" in result.stderr
    assert [p for _, p, _ in Handler.log] == ["/robots.txt"]
    agent = Handler.log[0][2]
    assert agent.startswith("newscrawler/") and agent.endswith("(+https://me.example/bot)")


@pytest.mark.unit
def test_retry_after_parsing() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(b" 3 ") == 3.0
    assert retry_after_seconds("nonsense") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
