"""Full-text search on a PostgreSQL archive: the generated ``articles.fts`` tsvector.

``articles.fts`` holds ``to_tsvector('simple', title)`` with weight A and
``to_tsvector('simple', text)`` with weight B (see migration 0001), so titles
rank higher. Queries use PostgreSQL's web-search syntax
(``websearch_to_tsquery``: ``"a phrase"``, ``-word``, ``or``); ``literal``
queries match every word (``plainto_tsquery``). Hits are ordered by
``ts_rank_cd``; :attr:`SearchHit.rank` is its negation, so that, as with
SQLite's bm25, lower is better.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, bindparam, func, literal_column, select
from sqlalchemy.exc import DataError, ProgrammingError
from sqlalchemy.orm import Session

from archive.errors import QueryError

SNIPPET_WORDS = 16
CONFIG = literal_column("'simple'::regconfig")
FTS = literal_column("articles.fts")


def _headline_options(highlight: tuple[str, str]) -> str:
    start, end = (marker.replace('"', '""') for marker in highlight)
    return (f'StartSel="{start}", StopSel="{end}", MaxWords={SNIPPET_WORDS}, MinWords=5, '
            'MaxFragments=1, FragmentDelimiter=" … "')


def tsquery(literal: bool) -> ColumnElement[Any]:
    """The tsquery of the bound parameter ``fts_query``."""
    parse = func.plainto_tsquery if literal else func.websearch_to_tsquery
    return parse(CONFIG, bindparam("fts_query"))


def search_stmt(base: Select[Any], text: ColumnElement[Any], literal: bool,
                highlight: tuple[str, str]) -> Select[Any]:
    """``base`` (a select of articles with filters and limit) with the match, snippet and rank added."""
    query = tsquery(literal)
    rank = (-func.ts_rank_cd(FTS, query)).label("rank")
    snippet = func.ts_headline(CONFIG, text, query, bindparam("headline_options")).label("snippet")
    return base.add_columns(snippet, rank).where(FTS.op("@@")(query))


def check_query(engine: Engine, query: str, expression: str, literal: bool) -> None:
    """Raise QueryError when ``expression`` has no searchable word (PostgreSQL would match nothing)."""
    try:
        with Session(engine) as session:
            nodes = session.scalar(select(func.numnode(tsquery(literal))), {"fts_query": expression})
    except (DataError, ProgrammingError) as exc:
        message = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        raise QueryError(f"bad search query {query!r}: {message}") from exc
    if not nodes:
        raise QueryError(f"bad search query {query!r}: no searchable words in it")


def params(expression: str, highlight: tuple[str, str]) -> dict[str, str]:
    return {"fts_query": expression, "headline_options": _headline_options(highlight)}
