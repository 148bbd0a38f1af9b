"""Dates and times given as text: sitemap ``lastmod``, ``Last-Modified``, ``--since``/``--until``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def parse_when(value: str | None) -> datetime | None:
    """An ISO 8601 date/date-time or an HTTP date as an aware datetime (UTC when it names no
    zone); None if empty or unparsable."""
    if not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_day_or_when(value: str | None) -> date | datetime | None:
    """``YYYY-MM-DD`` as a whole day (a :class:`date`, for filters), else as :func:`parse_when`."""
    if value and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return parse_when(value)
