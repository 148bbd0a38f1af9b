"""Fixtures and hooks only; the helpers they use live in tests/support/."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from archive.engine import open_archive
from newscrawler.demo.server import DemoServer
from tests.support.cli import CORPUS, LOCAL, Result, cli
from tests.support.loopback import BrokenHandler, serving


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[pytest.CollectReport]:
    """A test file whose tests are not each marked ``unit`` or ``e2e`` (exactly one) fails to
    collect, naming the tests: a new test cannot slip into or out of ``make test-fast`` unseen.
    A collection error rather than a hook error, so pytest-xdist reports it as clearly."""
    report = yield
    if report.passed:
        wrong = [f"{item.nodeid}: {'both unit and e2e' if unit else 'neither unit nor e2e'}"
                 for item in report.result if isinstance(item, pytest.Item)
                 if (unit := item.get_closest_marker("unit") is not None) == (item.get_closest_marker("e2e") is not None)]
        if wrong:
            report.outcome = "failed"
            report.longrepr = ("every test needs exactly one of the markers unit and e2e (pytestmark = "
                               "pytest.mark.unit or pytest.mark.e2e in its module, or a decorator; "
                               "see docs/development.md):\n  " + "\n  ".join(wrong))
            report.result = []
    return report


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.sqlite3"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """A new, empty archive (migrated), disposed of after the test."""
    eng = open_archive(str(db_path))
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def site() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def crawled(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, list]:
    """One full crawl of the demo site, shared by the read-only tests."""
    db = tmp_path_factory.mktemp("crawl") / "news.sqlite3"
    start = len(site.requests)
    result = cli("crawl", site.base_url + "/", "--db", str(db), *LOCAL)
    return db, result, list(site.requests[start:])


@pytest.fixture
def archive_copy(crawled: tuple[Path, Result, list], tmp_path: Path) -> Path:
    """A private copy of the crawled archive for tests that write."""
    db = crawled[0]
    target = tmp_path / "copy.sqlite3"
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="session")
def broken_site() -> Iterator[str]:
    """A loopback server of bad responses: 404, PDF, binary as HTML, malformed HTML, empty body."""
    with serving(BrokenHandler) as url:
        yield url


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"news-dev corpus not found at {CORPUS} (it lives in ../shared, absent on a user's clone)")
    return CORPUS
