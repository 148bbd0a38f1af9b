"""Dates of an article: parsing, the date in the URL, and picking the publication date.

Every date handed out is timezone-aware. A value without a time zone takes the zone
of another date on the same page with the same wall-clock time (a page often gives
``2024-03-04T10:00:00`` in one place and ``2024-03-04T10:00:00-05:00`` in another),
else the UTC offset that all the page's zoned dates (published/modified, JSON-LD and
meta) share; failing that it is read as UTC. A date without a time (or from the URL)
is midnight UTC. The modification date is the first declared one (JSON-LD, then meta)
that is not earlier than the publication date.

``date_source`` says where the publication date came from: ``jsonld`` (the JSON-LD
article object), ``meta`` (``<meta>`` tags or ``itemprop="datePublished"`` markup),
``url`` (a ``/2024/03/04/``-style path) or ``text`` (found by htmldate/trafilatura in
the page's markup and text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

DATE_SOURCES = ("jsonld", "meta", "url", "text")
_SPACE = re.compile(r"\s+")
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](\d{1,2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[/-](\d{1,2})(?=[/._-]|$)",
    re.IGNORECASE,
)
_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S")


def parse_date_raw(value: Any) -> datetime | None:
    """A datetime from ISO 8601 / RFC 2822 / epoch / common text values; naive when the value has no zone."""
    if isinstance(value, list):
        value = next(iter(value), None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            value = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            return None
    if isinstance(value, str):
        value = _parse_date_string(_SPACE.sub(" ", value).strip())
    if not isinstance(value, datetime) or not 1970 <= value.year <= 2200:
        return None
    return value


def parse_date(value: Any) -> datetime | None:
    """Timezone-aware datetime of ``value``; no zone means UTC."""
    found = parse_date_raw(value)
    return aware(found) if found else None


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _parse_date_string(text: str) -> datetime | None:
    iso = re.sub(r"(\.\d{6})\d+", r"\1", text)  # nanoseconds
    iso = re.sub(r"\s*(?:UTC|GMT|Z)$", "+00:00", iso)
    iso = re.sub(r"([+-]\d{2})$", r"\1:00", iso)
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
    for candidate in (iso, iso.replace(" ", "T", 1)):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def url_date(url: str | None) -> datetime | None:
    """The date in a URL path such as ``/2024/03/04/``, ``/2024-03-04-`` or ``/2024/mar/04/`` (midnight UTC)."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = match.groups()
    month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
    try:
        return datetime(int(year), month_number, int(day), tzinfo=timezone.utc)
    except ValueError:
        return None


def with_page_zone(value: datetime, others: Iterable[datetime | None]) -> datetime:
    """``value`` made timezone-aware with the page's zone (see the module docstring).

    The zone of another page date with the same wall-clock time; else the one UTC
    offset all the page's zoned dates share; else UTC.
    """
    if value.tzinfo:
        return value
    zoned = [other for other in others if other is not None and other.tzinfo]
    for other in zoned:
        if other.replace(tzinfo=None) == value:
            return value.replace(tzinfo=other.tzinfo)
    offsets = {other.utcoffset() for other in zoned}
    if len(offsets) == 1:
        return value.replace(tzinfo=zoned[0].tzinfo)
    return value.replace(tzinfo=timezone.utc)


def pick_published(candidates: list[tuple[str, Any]], page_dates: Iterable[Any] = ()
                   ) -> tuple[datetime | None, str | None]:
    """The first parseable ``(source, raw value)`` candidate as an aware datetime, with its source.

    A zoneless value gets its zone from ``page_dates`` (raw values of the page's declared
    dates, see :func:`with_page_zone`).
    """
    others = [value for raw in page_dates if (value := parse_date_raw(raw)) is not None]
    for source, raw in candidates:
        if (value := parse_date_raw(raw)) is not None:
            return with_page_zone(value, others), source
    return None, None


SAME_INSTANT_SECONDS = 60
MAX_OFFSET = timedelta(hours=14)
MIN_OFFSET = timedelta(hours=-12)


def as_published_locally(published: datetime, zoned: Iterable[datetime | None], local_days: Iterable[date],
                         local_walls: Iterable[datetime] = ()) -> datetime:
    """``published`` (the same instant) in the publisher's own UTC offset, when the page gives one.

    A page often declares UTC in one place (JSON-LD ``2019-11-20T02:59:46Z``) and its local
    time in another (``2019-11-19T20:59:46-06:00``, a dateline, the URL's ``/2019/11/19/``);
    the day a reader sees is the local one. In order: the offset of another declared date
    for the same instant; the offset a visible dateline's wall-clock time implies
    (``local_walls``, naive); else, when a local day (URL, dateline) differs from the UTC
    day, the smallest whole-hour offset that shows that day. The instant never moves.
    """
    if published.utcoffset() != timedelta(0):
        return published
    for other in zoned:
        if (other is not None and other.tzinfo and other.utcoffset() != timedelta(0)
                and abs((other - published).total_seconds()) < SAME_INSTANT_SECONDS):
            return published.astimezone(other.tzinfo)
    utc_wall = published.replace(tzinfo=None)
    for wall in local_walls:
        offset = timedelta(minutes=15 * round((wall - utc_wall).total_seconds() / 900))
        if offset and MIN_OFFSET <= offset <= MAX_OFFSET:
            return published.astimezone(timezone(offset))
    for day in local_days:
        if (offset := _offset_showing(published, day)) is not None:
            return published.astimezone(timezone(offset))
    return published


def _offset_showing(published: datetime, day: date) -> timedelta | None:
    """The smallest whole-hour UTC offset under which ``published`` falls on ``day`` (None if none)."""
    since_midnight = published - published.replace(hour=0, minute=0, second=0, microsecond=0)
    if day == published.date() - timedelta(days=1):
        offset = -timedelta(hours=since_midnight // timedelta(hours=1) + 1)
    elif day == published.date() + timedelta(days=1):
        offset = timedelta(hours=24) - timedelta(hours=since_midnight // timedelta(hours=1))
    else:
        return None
    return offset if MIN_OFFSET <= offset <= MAX_OFFSET else None
