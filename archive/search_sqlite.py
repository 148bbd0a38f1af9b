"""Full-text search on a SQLite archive: FTS5 in two short statements.

Ranking every match with bm25 and building a snippet for each before the LIMIT
is what makes a common word slow on a big archive: the cost grows with the
number of matches. So :func:`search` works in two steps:

1. **Rank.** bm25 (title weighted up) over the newest ``candidates`` matches,
   the FTS5 index read newest first (``ORDER BY rowid DESC LIMIT``, which FTS5
   serves without sorting), and keep the best ``limit``. With ``candidates=None``
   every match is ranked: exact, but the time grows with the number of matches.
   A query with fewer matches than ``candidates`` is ranked exactly either way.
2. **Snippets** for those ``limit`` hits only, with the article rows.

Filters (site, dates, author, language) apply before the candidate cap.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, bindparam, column, func, literal_column, select, table

from archive.models import ArticleRow

TITLE_WEIGHT = 5.0
TEXT_WEIGHT = 1.0
SNIPPET_TOKENS = 16
DEFAULT_CANDIDATES = 2000

articles_fts = table("articles_fts", column("rowid"))
_FTS = literal_column("articles_fts")


def _match() -> Any:
    return _FTS.op("MATCH")(bindparam("fts_query"))


def rank_stmt(clauses: list[Any], limit: int, candidates: int | None) -> Select[Any]:
    """(rowid, rank) of the best ``limit`` hits among the newest ``candidates`` matches."""
    rank = func.bm25(_FTS, TITLE_WEIGHT, TEXT_WEIGHT).label("rank")
    matches = select(articles_fts.c.rowid, rank).select_from(articles_fts).where(_match())
    if clauses:
        matches = matches.join(ArticleRow, ArticleRow.id == articles_fts.c.rowid).where(*clauses)
    if candidates is None:
        return matches.order_by(rank, articles_fts.c.rowid).limit(limit)
    newest = matches.order_by(articles_fts.c.rowid.desc()).limit(candidates).subquery("newest")
    return select(newest.c.rowid, newest.c.rank).order_by(newest.c.rank, newest.c.rowid).limit(limit)


def _has_phrase(expression: str) -> bool:
    """Whether the query holds a multi-word phrase or NEAR group (costly to check per row)."""
    return "NEAR" in expression or any(" " in part.strip() for part in expression.split('"')[1::2])


def snippet_stmt(ids: list[int], highlight: tuple[str, str], expression: str) -> Select[Any]:
    """The article rows and snippets of ``ids`` (any order).

    ``rowid IN (...)`` makes FTS5 run the MATCH once per id (expanding a prefix
    query each time), while one scan over the ids' rowid range runs it once and
    only checks the rows in between. The scan wins unless the query has a phrase,
    whose positions it would check on every row of the range.
    """
    start, end = highlight
    snippet = func.snippet(_FTS, 1, start, end, "…", SNIPPET_TOKENS).label("snippet")
    rowid = articles_fts.c.rowid
    if _has_phrase(expression):
        where = [rowid.in_(ids)]
    else:  # unary + keeps SQLite from handing the IN list to FTS5
        where = [rowid.between(min(ids), max(ids)), literal_column("+articles_fts.rowid").in_(ids)]
    return (
        select(ArticleRow.__table__, snippet)
        .select_from(articles_fts)
        .join(ArticleRow, ArticleRow.id == rowid)
        .where(_match(), *where)
    )


def run_search(
    conn: Connection,
    expression: str,
    clauses: list[Any],
    limit: int,
    candidates: int | None,
    highlight: tuple[str, str],
) -> list[tuple[dict[str, Any], str, float]]:
    """(article row mapping, snippet, bm25 rank) of the best hits, best first."""
    params = {"fts_query": expression}
    ranked = [(row.rowid, float(row.rank)) for row in conn.execute(rank_stmt(clauses, limit, candidates), params)]
    if not ranked:
        return []
    rows = {row["id"]: row for row in conn.execute(snippet_stmt([i for i, _ in ranked], highlight, expression), params).mappings()}
    return [(rows[i], rows[i]["snippet"], rank) for i, rank in ranked if i in rows]
