"""archive.engine: opening, errors, PRAGMAs, migrations and Datasette/sqlite-utils compatibility."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from datasette.utils import detect_fts
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

import archive.engine
from archive.article import Article, FetchedPage
from archive.engine import (
    current_revision,
    describe_db,
    head_revision,
    open_archive,
    resolve_db_url,
    upgrade_archive,
)
from archive.errors import ArchiveError
from archive.models import Base
from archive.query import Filters, search
from archive.store import ArchiveWriter, start_run

pytestmark = pytest.mark.unit

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def add_articles(engine: Engine, *texts: str) -> None:
    with ArchiveWriter(engine) as writer:
        for n, body in enumerate(texts):
            url = f"https://example.com/{n}"
            writer.add(
                Article(url=url, title=f"Story {n}", text=body, published_at=T0),
                FetchedPage(url=url, final_url=url, status=200, body=b"<p>x</p>", fetched_at=T0),
            )


@pytest.fixture
def archive_file(db_path: Path) -> Path:
    engine = open_archive(str(db_path))
    add_articles(engine, "the marmot whistles", "an otter swims")
    engine.dispose()
    return db_path


# --- URL resolution ---------------------------------------------------------------


def test_resolve_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSCRAWLER_DB", raising=False)
    assert resolve_db_url(None) == f"sqlite:///{tmp_path}/news.sqlite3"
    assert resolve_db_url("sub/a.db") == f"sqlite:///{tmp_path}/sub/a.db"
    assert resolve_db_url("/abs/b.db") == "sqlite:////abs/b.db"
    assert resolve_db_url("postgresql://u:p@h/db") == "postgresql://u:p@h/db"
    monkeypatch.setenv("NEWSCRAWLER_DB", "/env/c.db")
    assert resolve_db_url("") == "sqlite:////env/c.db"
    assert describe_db(None) == "/env/c.db"
    assert describe_db("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


# --- writer errors ----------------------------------------------------------------


def test_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "x" / "y" / "news.sqlite3"
    with pytest.raises(ArchiveError) as info:
        open_archive(str(path))
    assert str(info.value) == (
        f"cannot create archive {path}: directory {path.parent} does not exist"
    )


def test_not_an_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some text, definitely not a database\n" * 10)
    with pytest.raises(ArchiveError, match="is not an SQLite database") as info:
        open_archive(str(path))
    assert str(info.value) == f"{path} is not an SQLite database"
    with pytest.raises(ArchiveError, match="is not an SQLite database"):
        open_archive(str(path), readonly=True)
    assert path.read_text().startswith("just some text")


def test_directory_as_db(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=f"cannot open archive {tmp_path}"):
        open_archive(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(ArchiveError, match="not writable"):
            open_archive(str(locked / "news.sqlite3"))
    finally:
        locked.chmod(0o755)


def test_empty_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    engine = open_archive(str(path))
    assert current_revision(engine) == head_revision()
    engine.dispose()


# --- writer setup -----------------------------------------------------------------


def test_writer_pragmas(db_path: Path) -> None:
    engine = open_archive(str(db_path))
    with engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 30000
    engine.dispose()
    with sqlite3.connect(db_path) as conn:  # WAL is persistent in the file
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_schema_at_head(db_path: Path) -> None:
    engine = open_archive(str(db_path))
    assert current_revision(engine) == head_revision() == "0010"
    engine.dispose()
    with sqlite3.connect(db_path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "raw_pages", "runs", "aliases", "articles_fts", "alembic_version"} <= names
    assert {"articles_fts_ai", "articles_fts_ad", "articles_fts_au"} <= names
    assert "ix_articles_site_published_at" in names


def test_current_archive_is_not_migrated_again(
    archive_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        engine = open_archive(str(archive_file))
        upgrade_archive(str(archive_file))
    engine.dispose()
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "Running upgrade" not in messages
    assert "migrating archive" not in messages


def test_unknown_newer_revision(archive_file: Path) -> None:
    with sqlite3.connect(archive_file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    for readonly in (False, True):
        with pytest.raises(ArchiveError, match="schema revision 9999, unknown"):
            open_archive(str(archive_file), readonly=readonly)


# --- readers ----------------------------------------------------------------------


def test_readonly_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.sqlite3"
    with pytest.raises(ArchiveError) as info:
        open_archive(str(path), readonly=True)
    assert str(info.value) == f"no archive at {path}; run 'newscrawler crawl' first"
    assert not path.exists()


def test_readonly_refuses_writes(archive_file: Path) -> None:
    assert not Path(f"{archive_file}-wal").exists()  # the writer closed cleanly
    engine = open_archive(str(archive_file), readonly=True)
    hits = search(engine, "marmot", Filters())
    assert [h.article.title for h in hits] == ["Story 0"]
    # archive.storage_faults names the file: "cannot write archive PATH: attempt to write a readonly database"
    with pytest.raises((OperationalError, ArchiveError), match="readonly|read-only|query_only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM articles"))
    with pytest.raises((OperationalError, ArchiveError)):
        start_run(engine, "crawl", {})
    engine.dispose()
    with sqlite3.connect(archive_file) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)


def test_reader_alongside_writer(archive_file: Path) -> None:
    writer = open_archive(str(archive_file))
    reader = open_archive(str(archive_file), readonly=True)
    add_articles(writer, "the marmot whistles", "an otter swims", "a marmot sleeps")
    assert len(search(reader, "marmot", Filters())) == 2
    reader.dispose()
    writer.dispose()


def test_readonly_empty_file_needs_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with pytest.raises(ArchiveError) as info:
        open_archive(str(path), readonly=True)
    assert str(info.value) == f"archive {path} needs an upgrade: run 'newscrawler migrate'"


# --- migrations -------------------------------------------------------------------

REVISION_TEST = '''"""Test-only revision: rebuilds articles (batch copy) and adds runs.host.

Revision ID: 9999
Revises: {head}
"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None

TRIGGERS = [
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
]


def upgrade() -> None:
    with op.batch_alter_table("articles", recreate="always") as batch:
        batch.add_column(sa.Column("test_flag", sa.Boolean(), nullable=True))
    for trigger in TRIGGERS:  # a table rebuild drops the table's triggers
        op.execute(trigger)
    op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("host", sa.Text(), nullable=True))


def downgrade() -> None:
    pass
'''


@pytest.fixture
def migrations_with_extra_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real migrations plus a later revision, used as MIGRATIONS_DIR."""
    target = tmp_path / "migrations"
    shutil.copytree(archive.engine.MIGRATIONS_DIR, target)
    head = head_revision()
    (target / "versions" / "9999_test.py").write_text(REVISION_TEST.replace("{head}", head))
    monkeypatch.setattr(archive.engine, "MIGRATIONS_DIR", str(target))
    return target


def test_upgrade_in_place(archive_file: Path, migrations_with_extra_revision: Path) -> None:
    with pytest.raises(ArchiveError, match="needs an upgrade: run 'newscrawler migrate'"):
        open_archive(str(archive_file), readonly=True)
    upgrade_archive(str(archive_file))
    reader = open_archive(str(archive_file), readonly=True)
    assert current_revision(reader) == "9999"
    assert [h.article.id for h in search(reader, "otter", Filters())] == [2]
    reader.dispose()
    with sqlite3.connect(archive_file) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM raw_pages").fetchone() == (2,)  # no cascade
        assert conn.execute("SELECT test_flag FROM articles").fetchall() == [(None,), (None,)]
        assert "host" in {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
        conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    writer = open_archive(str(archive_file))
    add_articles(writer, "the beaver builds")  # triggers still keep the index in sync
    with writer.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert [h.article.id for h in search(writer, "beaver", Filters())] == [1]
    writer.dispose()


# --- Datasette / sqlite-utils -----------------------------------------------------


def test_datasette_detects_fts(archive_file: Path) -> None:
    with sqlite3.connect(archive_file) as conn:
        assert detect_fts(conn, "articles") == "articles_fts"


def test_sqlite_utils_search(archive_file: Path) -> None:
    db = sqlite_utils.Database(str(archive_file))
    table = db["articles"]
    assert table.detect_fts() == "articles_fts"
    rows = list(table.search("otter"))
    assert [r["title"] for r in rows] == ["Story 1"]
    assert rows[0]["published_at"] == "2024-05-01T00:00:00+00:00"
    db.close()


def test_models_match_migrations(db_path: Path) -> None:
    """Autogenerate finds nothing to do: the ORM models and 0001 describe the same schema."""
    engine = open_archive(str(db_path))
    opts = {"include_name": migrations_env_include_name, "compare_type": True}
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    engine.dispose()
    assert diffs == []


def migrations_env_include_name(name: str | None, type_: str, parent: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith("articles_fts"))


def test_revision_template_renders(tmp_path: Path) -> None:
    target = tmp_path / "migrations"
    shutil.copytree(archive.engine.MIGRATIONS_DIR, target)
    config = Config()
    config.set_main_option("script_location", str(target))
    script = command.revision(config, message="add things", rev_id="9999")
    source = Path(script.path).read_text()
    assert f"down_revision: str | None = '{head_revision()}'" in source
    compile(source, script.path, "exec")
