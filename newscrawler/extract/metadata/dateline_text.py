"""A dateline's date and clock time read with a few regular expressions, in the languages news
sites write most ("March 4, 2024 12:45 PM EST", "4. März 2024, 21.36 Uhr", "17/03/2024 23:10",
"2024年3月17日 21:05", "17 марта 2024").

dateparser reads some 200 languages but costs 5-20 ms a text (and 200 ms without a language);
this reader costs microseconds and is asked first (see :mod:`newscrawler.extract.metadata.datelines`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

_MONTH_NAMES = {
    1: "january jan januar janvier enero gennaio januari janeiro janv ene gen tammikuuta stycznia января янв",
    2: "february feb februar février fevrier febrero febbraio februari fevereiro févr fév helmikuuta lutego "
       "февраля фев",
    3: "march mar märz maerz mars marzo maart março mär maaliskuuta marca марта мар",
    4: "april apr avril abril aprile avr abr huhtikuuta kwietnia апреля апр",
    5: "may mai maj mayo maggio mei maio mag toukokuuta maja мая",
    6: "june jun juni juin junio giugno junho giu kesäkuuta czerwca июня",
    7: "july jul juli juillet julio luglio julho juil lug heinäkuuta lipca июля",
    8: "august aug août aout agosto augustus ago elokuuta sierpnia августа авг",
    9: "september sep sept septembre septiembre settembre setembro set syyskuuta września сентября сен",
    10: "october oct oktober octobre octubre ottobre outubro okt ott out lokakuuta października октября окт",
    11: "november nov novembre noviembre novembro marraskuuta listopada ноября ноя",
    12: "december dec dezember décembre diciembre dicembre december desember dezembro dic déc dez joulukuuta "
        "grudnia декабря дек",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
# Languages whose month names and date orders this reader knows (others may ask dateparser).
LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "nl", "pt", "sv", "no", "nb", "nn", "da", "fi", "pl", "ru",
                       "ja", "zh", "ko"})
_NAME = r"(?P<name>[^\W\d_]{3,12})\.?"
_DATES = [
    re.compile(rf"{_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?{_NAME}\s+(?:de\s+)?(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?P<year>\d{4})\s*[-/.年년]\s*(?P<month>\d{1,2})\s*[-/.月월]\s*(?P<day>\d{1,2})"),
    re.compile(r"(?P<first>\d{1,2})[./-](?P<second>\d{1,2})[./-](?P<year>\d{4})"),
]
_TIME = re.compile(r"(?<![\d.:])(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*"
                   r"(?P<ampm>[ap]\.?\s?m\.?(?![a-z]))?(?:\s*(?:uhr|h\b))?", re.IGNORECASE)
# Zone abbreviations in capitals (case-sensitive: "et" is French for "and"); None: a US zone,
# in standard or daylight saving time by the date.
_ZONES: dict[str, float | None] = {
    "UTC": 0, "GMT": 0, "WET": 0, "BST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "EST": -5, "EDT": -4,
    "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "ET": None, "CT": None, "MT": None,
    "PT": None,
}
_US_STANDARD = {"ET": -5, "CT": -6, "MT": -7, "PT": -8}
_ZONE = re.compile(r"\b(" + "|".join(sorted(_ZONES, key=len, reverse=True)) + r")\b")
_MONTH_FIRST_LANGUAGES = frozenset({"en"})  # "3/4/2024" is March 4 in US English, 3 April elsewhere


def read_dateline(text: str, language: str | None) -> tuple[datetime | None, bool]:
    """(the date and clock time the text shows, whether this reader understood the text).

    A datetime with a zone when the text names one, else naive; False when no date form of
    this reader matched (the caller may ask dateparser).
    """
    found = _date(text, language)
    if found is None:
        return None, False
    day, end = found
    moment = datetime(day.year, day.month, day.day)
    clock = _clock(text, end)
    if clock is None:
        return moment, True
    moment = moment.replace(hour=clock[0], minute=clock[1])
    zone = _ZONE.search(text, end)
    if zone is None:
        return moment, True
    return moment.replace(tzinfo=timezone(_offset(zone.group(1), day))), True


def _date(text: str, language: str | None) -> tuple[date, int] | None:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if (day := _as_date(match.groupdict(), language)) is not None:
                return day, match.end()
    return None


def _as_date(parts: dict[str, str | None], language: str | None) -> date | None:
    year = int(parts["year"] or 0)
    if parts.get("name") is not None:
        month = MONTHS.get(parts["name"].casefold())
        day = int(parts["day"] or 0)
    elif parts.get("first") is not None:
        first, second = int(parts["first"] or 0), int(parts["second"] or 0)
        month_first = (language or "en") in _MONTH_FIRST_LANGUAGES and first <= 12
        month, day = (first, second) if month_first else (second, first)
    else:
        month, day = int(parts["month"] or 0), int(parts["day"] or 0)
    try:
        return date(year, month, day) if month and 1990 <= year <= 2100 else None
    except ValueError:
        return None


def _clock(text: str, start: int) -> tuple[int, int] | None:
    """The first clock time after the date (or, failing that, before it)."""
    for match in (*_TIME.finditer(text, start), *_TIME.finditer(text[:start])):
        minute, ampm = match.group("minute"), match.group("ampm")
        if minute is None and ampm is None:
            continue  # a bare number is no time
        hour = int(match.group("hour"))
        if ampm:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ampm.casefold().startswith("p") else 0)
        if hour <= 23 and int(minute or 0) <= 59:
            return hour, int(minute or 0)
    return None


def _offset(zone: str, day: date) -> timedelta:
    hours = _ZONES[zone]
    if hours is None:
        hours = _US_STANDARD[zone] + (1 if _us_daylight(day) else 0)
    return timedelta(hours=hours)


def _us_daylight(day: date) -> bool:
    """US daylight saving time: from the second Sunday of March to the first Sunday of November."""
    march = date(day.year, 3, 8)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    november = date(day.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return start <= day < end
