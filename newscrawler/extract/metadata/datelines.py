"""The dates a page shows its readers: ``<time>`` elements and datelines, in many languages.

Used to show a publication instant in the publisher's own time zone (see
:func:`newscrawler.extract.metadata.dates.as_published_locally`), never to move it.
Texts are read by :mod:`newscrawler.extract.metadata.dateline_text` (regular expressions for
the languages news sites write most), else, for a page in another language, by dateparser (a
dependency of htmldate, some 200 languages, 5-20 ms a text); either only when the page
declares its publication time in UTC and gives no other offset for the same instant.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from newscrawler.extract.metadata.dateline_text import LANGUAGES, read_dateline
from newscrawler.extract.metadata.dates import parse_date_raw
from newscrawler.extract.metadata.names import clean_space
from newscrawler.extract.metadata.trees import marked_matching

LOGGER = logging.getLogger(__name__)

_DATELINE_MARK = re.compile(r"date|publish|timestamp|posted")
_UPDATED = re.compile(r"\b(?:updated|modified|aktualisiert|mis à jour|actualizado|aggiornato|bijgewerkt|"
                      r"oppdatert|uppdaterad|opdateret|zaktualizowano|обновлено|更新|수정)\b", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
MAX_DATELINE_WORDS = 14
MAX_DATELINES = 3


@dataclass
class Shown:
    """Dates the page shows: machine values with a zone, local wall-clock times, local days."""

    zoned: list[datetime] = field(default_factory=list)
    walls: list[datetime] = field(default_factory=list)  # naive: the time as the reader sees it
    days: list[date] = field(default_factory=list)


def time_elements(tree: Any) -> Shown:
    """The machine-readable publication times of the page's ``<time datetime>`` elements."""
    shown = Shown()
    for node in tree.iter("time"):
        value = parse_date_raw(node.get("datetime"))
        if value is None or _UPDATED.search(clean_space(node.text_content())):
            continue
        (shown.zoned if value.tzinfo else shown.walls).append(value)
    return shown


def dateline_dates(tree: Any, language: str | None) -> Shown:
    """The publication dates the page's datelines show as text (updates left out), first ones first."""
    shown = Shown()
    texts: list[str] = []
    nodes = [*tree.iter("time"), *(node for node, _marks in marked_matching(tree, _DATELINE_MARK))]
    for node in nodes:
        if node.tag in {"script", "style", "meta", "body", "html"}:
            continue
        text = clean_space(" ".join(node.itertext()))  # "Feb 28 2024" and "7:00 AM" in two spans stay apart
        if (text and _HAS_DIGIT.search(text) and len(text.split()) <= MAX_DATELINE_WORDS
                and not _UPDATED.search(text) and text not in texts):
            texts.append(text)
        if len(texts) >= MAX_DATELINES:
            break
    for text in texts:
        _read_text(text, language, shown)
        if shown.walls or shown.days:
            break
    return shown


def _read_text(text: str, language: str | None, shown: Shown) -> None:
    found, understood = read_dateline(text, language)
    if not understood and language and language not in LANGUAGES:
        found = _dateparser(text, language)
    if found is None:
        return
    if found.tzinfo:
        shown.zoned.append(found)
    elif found.hour or found.minute:
        shown.walls.append(found)
    shown.days.append(found.date())


def _dateparser(text: str, language: str) -> datetime | None:
    try:
        from dateparser.search import search_dates

        found = search_dates(text, languages=[language],
                             settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"})
    except Exception as err:  # dateparser has many failure modes on odd text
        LOGGER.debug("dateparser failed on %r: %s", text, err)
        return None
    return found[0][1] if found else None


def read_date_text(text: str, language: str | None = None) -> datetime | None:
    """The first full date (day, month and year) written in ``text``, by dateparser; None if none."""
    return _dateparser(text, language)
