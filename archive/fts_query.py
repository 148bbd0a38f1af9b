"""Messages for search queries that SQLite FTS5 cannot parse: what went wrong, and a hint.

The query is always a bound parameter (never part of the SQL), so it cannot inject
SQL; what it can do is fail to parse as an FTS5 expression. :func:`explain` turns
FTS5's terse error (``fts5: syntax error near ""``) into one line that says what
the problem likely is and how to write the query instead, always ending with
the ``--literal`` way out (which quotes every word; see
:func:`archive.query.literal_query`).
"""

from __future__ import annotations

import re

COLUMNS = ("title", "text")
LITERAL_HINT = "or use --literal to search the words as typed"
OPERATORS = ("AND", "OR", "NOT", "NEAR")
# Fragments of SQLite's messages that mean "the query does not parse" (and not a storage fault).
MARKERS = ("fts5", "syntax error", "no such column", "unterminated", "unknown special query")

_NEAR = re.compile(r'syntax error near "(.*)"')
_COLUMN = re.compile(r"no such column: (\S+)")


def clean(query: str) -> str:
    """``query`` without NUL characters (SQLite would cut the query short at the first one)."""
    return query.replace("\x00", " ")


def is_query_error(message: str) -> bool:
    """True when SQLite's ``message`` is about the query's syntax."""
    return any(marker in message for marker in MARKERS)


def _hint(query: str, message: str) -> str:
    if "unterminated string" in message:
        return 'a " opens a phrase that is never closed: close it ("...")'
    if column := _COLUMN.search(message):
        name = column.group(1)
        if f"-{name}".lower() in query.lower() and f"{name}:".lower() not in query.lower():
            return f'"-{name}" reads as a column filter (-column); quote words with hyphens ("e-mail")'
        return (f'"{name}:" reads as a column filter, and the columns are {" and ".join(COLUMNS)}; '
                f'quote words with a colon ("{name}:...")')
    if "unknown special query" in message:
        return "* only ends a word (prefix search: harb*)"
    near = _NEAR.search(message)
    token = near.group(1) if near else None
    if token == "":
        return ('the query ends too early: an unclosed "(", or AND/OR/NOT/NEAR, "-", "^" or a column '
                'filter with nothing after it')
    if token and token.upper() in OPERATORS:
        return f'{token.upper()} joins two terms (a {token.upper()} b); quote it ("{token.lower()}") to search the word'
    if token:
        return f'{token!s} is FTS5 syntax: quote words with punctuation ("C++", "don\'t")'
    return 'quote phrases with "..."'


def explain(query: str, message: str) -> str:
    """A one-line error for ``query``, which FTS5 refused with ``message``."""
    reason = " ".join(message.split())
    return f"bad search query {query!r}: {reason}; {_hint(query, message)}, {LITERAL_HINT}"
