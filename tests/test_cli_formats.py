"""Every reading command in every output format, on a small archive built with the library.

--format table|json|jsonl|csv and -o/--output on search, show, export, stats, runs and
history; the old --json/--jsonl/--csv still work; CSV defuses formulas; bad values are one
line. The CLI runs in subprocesses, as cron would run it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.support.cli import Result, cli

from archive.article import Article, FetchedPage
from archive.engine import open_archive
from archive.export import EXPORT_FIELDS
from archive.store import ArchiveWriter, finish_run, start_run

pytestmark = pytest.mark.e2e

FORMATS = ["table", "json", "jsonl", "csv"]
FORMULA_TITLE = '=HYPERLINK("http://evil.example","harbor")'
# Each command with arguments that find something in the archive built below.
COMMANDS: dict[str, list[str]] = {
    "search": ["search", "harbor"],
    "show": ["show", "1"],
    "export": ["export"],
    "stats": ["stats"],
    "runs": ["runs"],
    "history": ["history", "1", "--diff"],
}
ONE_OBJECT = {"show", "stats"}  # --format json gives one object, not a list


def _article(n: int, title: str, text: str, fetched: datetime, credit: str | None = None) -> tuple[Article, FetchedPage]:
    url = f"https://news.example/2026/03/0{n}/story-{n}/"
    article = Article(url=url, title=title, text=text, authors=[] if credit else ["Jane Doe", "-Minus Author"],
                      credit=credit,
                      published_at=datetime(2026, 3, n, 9, tzinfo=UTC), language="en", tags=["port", "city"],
                      section="+Local")
    page = FetchedPage(url=url, final_url=url, status=200, fetched_at=fetched,
                       body=f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode(), encoding="utf-8")
    return article, page


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three articles (one with a formula-looking title; article 1 in two versions; article 3 credited
    to "Staff Writer", naming no author) and one run."""
    path = tmp_path_factory.mktemp("formats") / "news.sqlite3"
    engine = open_archive(str(path))
    first = datetime(2026, 3, 5, tzinfo=UTC)
    run_id = start_run(engine, "crawl", {"urls": ["https://news.example/"]})
    with ArchiveWriter(engine) as writer:
        writer.add(*_article(1, "Harbor bridge reopens", "The harbor bridge reopened on Monday. " * 20, first))
        writer.add(*_article(2, FORMULA_TITLE, "A harbor story with a formula for a title. " * 20, first))
        writer.add(*_article(3, "Ferry timetable", "Ferries run every hour from the harbor. " * 20, first,
                             credit="Staff Writer"))
    with ArchiveWriter(engine) as writer:  # a changed text: a second version of article 1
        writer.add(*_article(1, "Harbor bridge reopens", "The harbor bridge reopened on Tuesday. " * 20,
                             datetime(2026, 3, 6, tzinfo=UTC)))
    finish_run(engine, run_id, "ok", {"fetched": 4}, new=3, updated=1,
               sites={"news.example": {"fetched": 4, "new": 3, "updated": 1}})
    engine.dispose()
    return str(path)


def run(db: str, *args: str) -> Result:
    result = cli(*args, "--db", db)
    assert result.code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def outputs(db: str) -> dict[tuple[str, str], str]:
    """Standard output of every command in every format, run once for the module."""
    return {(command, fmt): run(db, *args, "--format", fmt).stdout
            for command, args in COMMANDS.items() for fmt in FORMATS}


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_in_every_format_parses(outputs: dict[tuple[str, str], str], command: str, fmt: str) -> None:
    out = outputs[command, fmt]
    if fmt == "json":
        data = json.loads(out)
        assert isinstance(data, dict if command in ONE_OBJECT else list) and data
    elif fmt == "jsonl":
        lines = out.splitlines()
        assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    elif fmt == "csv":
        header, *rows = csv_rows(out)
        assert rows and len(set(header)) == len(header)
        assert all(len(row) == len(header) for row in rows)
    else:
        assert out.strip()
        with pytest.raises(json.JSONDecodeError):
            json.loads(out)


def test_table_is_the_default_and_export_defaults_to_json_lines(db: str, outputs: dict[tuple[str, str], str]) -> None:
    for command in ("search", "show", "stats", "runs", "history"):
        assert run(db, *COMMANDS[command]).stdout == outputs[command, "table"], command
    search = outputs["search", "table"]
    assert "3 results for 'harbor'" in search and "**harbor**" in search  # a pipe: matches between **
    exported = run(db, "export").stdout
    assert exported == outputs["export", "jsonl"]
    assert [json.loads(line)["id"] for line in exported.splitlines()] == [1, 2, 3]


def test_output_file_gets_everything_and_stdout_nothing(db: str, outputs: dict[tuple[str, str], str],
                                                       tmp_path: Path) -> None:
    for command, args in COMMANDS.items():
        for fmt in ("table", "csv"):
            target = tmp_path / f"{command}.{fmt}"
            result = run(db, *args, "--format", fmt, "-o", str(target))
            assert result.stdout == "", command
            assert target.read_text(encoding="utf-8") == outputs[command, fmt], command


# The flags each command had before --format.
SHORTHANDS = {"search": ["--json", "--jsonl", "--csv"], "show": ["--json"], "stats": ["--json"], "runs": ["--json"],
              "history": ["--json"]}


def test_old_flags_still_work_as_hidden_shorthands(db: str, outputs: dict[tuple[str, str], str]) -> None:
    for command, flags in SHORTHANDS.items():
        for flag in flags:
            assert run(db, *COMMANDS[command], flag).stdout == outputs[command, flag[2:]], (command, flag)
    help_text = run(db, "search", "--help").stdout
    assert "--format" in help_text and "--jsonl" not in help_text and "--csv" not in help_text


def test_show_gives_the_credit_of_an_article_that_names_no_author(db: str, outputs: dict[tuple[str, str], str]) -> None:
    table = run(db, "show", "3").stdout
    assert [line.split(None, 1) for line in table.splitlines() if line.startswith(("authors", "credit"))] == [
        ["authors"], ["credit", "Staff Writer"]]
    shown = json.loads(run(db, "show", "3", "--format", "json").stdout)
    assert (shown["authors"], shown["credit"]) == ([], "Staff Writer")
    first = json.loads(outputs["show", "json"])
    assert (first["authors"], first["credit"]) == (["Jane Doe", "-Minus Author"], None)
    header, row = csv_rows(outputs["show", "csv"])
    assert header.index("credit") == header.index("authors") + 1 and row[header.index("credit")] == ""


def test_search_json_is_the_stored_fields_with_snippet_and_rank(outputs: dict[tuple[str, str], str]) -> None:
    hits = json.loads(outputs["search", "json"])
    assert len(hits) == 3 and all(set(hit) == {*EXPORT_FIELDS, "snippet", "rank"} for hit in hits)
    assert hits == sorted(hits, key=lambda h: h["rank"]) and all("**" in h["snippet"] for h in hits)
    assert csv_rows(outputs["search", "csv"])[0] == [*EXPORT_FIELDS, "snippet", "rank"]


def test_csv_defuses_formulas_joins_lists_and_writes_dicts_as_json(db: str,
                                                                  outputs: dict[tuple[str, str], str]) -> None:
    for text in (outputs["search", "csv"], outputs["export", "csv"], run(db, "show", "2", "--format", "csv").stdout):
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        row = next(r for r in rows if r["id"] == "2")
        assert row["title"] == "'" + FORMULA_TITLE
        assert row["authors"] == "Jane Doe; -Minus Author" and row["tags"] == "port; city"
        assert row["section"] == "'+Local"
    (run_row,) = csv.DictReader(io.StringIO(outputs["runs", "csv"], newline=""))
    assert json.loads(run_row["sites"]) == {"news.example": {"fetched": 4, "new": 3, "updated": 1}}
    assert json.loads(run_row["args"]) == {"urls": ["https://news.example/"]}


def test_stats_flat_records_name_their_table(outputs: dict[tuple[str, str], str]) -> None:
    records = [json.loads(line) for line in outputs["stats", "jsonl"].splitlines()]
    assert records[0] == {"table": "total", "articles": 3}
    assert {r["table"] for r in records} == {"total", "sites", "days", "runs"}
    assert [r["day"] for r in records if r["table"] == "days"] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    header, *rows = csv_rows(outputs["stats", "csv"])
    assert header[0] == "table" and sorted({row[0] for row in rows}) == ["days", "runs", "sites", "total"]
    assert json.loads(outputs["stats", "json"])["total"] == 3


def test_history_versions_and_their_diff(outputs: dict[tuple[str, str], str]) -> None:
    versions = json.loads(outputs["history", "json"])
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["diff"] is None
    assert "+The harbor bridge reopened on Tuesday." in versions[1]["diff"]
    table = outputs["history", "table"]
    assert "2 versions" in table and "+The harbor bridge reopened on Tuesday." in table


def test_bad_format_and_unwritable_output_are_one_line_errors(db: str, tmp_path: Path) -> None:
    for args in (["search", "harbor", "--format", "xml"], ["stats", "--format", "csv", "--json"]):
        result = cli(*args, "--db", db)
        assert result.code == 2 and result.stdout == "", args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "--format" in lines[0], result.stderr
    target = tmp_path / "missing" / "out.csv"
    result = cli("export", "--format", "csv", "-o", str(target), "--db", db)
    assert result.code == 1 and result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert str(target) in result.stderr
