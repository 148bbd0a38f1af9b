"""Names in article metadata: author bylines to clean person names, site-name title suffixes.

No site names here: the site's own name comes from the page (JSON-LD publisher, og:site_name).
"""

from __future__ import annotations

import re
from html import unescape

_WORD = re.compile(r"\w+")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_URL = re.compile(r"https?://\S*|www\.\S*", re.IGNORECASE)
# Tags and sections that name a kind of page rather than a subject.
GENERIC_LABELS = frozenset({"article", "articles", "news", "story", "stories", "post", "posts", "blog",
                            "page", "web", "content", "default", "uncategorized", "general", "internal"})
_MAX_TAG_TOKEN = 20  # a single-word tag longer than this is a layout/CMS code ("splitscreenimagerightinset")


def clean_space(value: object) -> str:
    """``value`` as a string with whitespace collapsed and HTML entities decoded ("" for non-strings).

    (JSON-LD strings often carry entities such as ``&#8217;`` that no HTML parser decoded.)
    """
    if not isinstance(value, str):
        return ""
    if _ENTITY.search(value):
        value = unescape(value)
    return " ".join(value.split())  # whitespace runs as one space, ends stripped (str.split splits on \s, in C)


def _is_code(tag: str) -> bool:
    """An all-capitals token without spaces, like wire-service subject codes ("POL", "MKTREP")."""
    return " " not in tag and not any(c.islower() for c in tag)


def clean_tags(tags: list[str], site_names: list[str | None] = ()) -> list[str]:
    """Subject tags without CMS/internal entries.

    A list made mostly of namespaced entries ("Day: Saturday", "WC: 0-999") is dropped
    whole. Dropped: namespaced entries ("source:tagname:..."), the site's own
    name, kind-of-page words ("Articles", "News"), one-character and over-long one-word
    tokens, and, when most of the list is all-capitals codes, those codes.
    Duplicates (case-insensitive) go, first spelling and order kept.
    """
    blocked = {name_key(s) for s in site_names if s}
    tags = [t for t in map(clean_space, tags) if t]
    if sum(":" in t for t in tags) * 2 > len(tags):
        return []  # mostly "key: value" entries: a CMS taxonomy dump, not subject tags
    kept = [t for t in tags if ":" not in t and len(t) > 1
            and name_key(t) not in blocked and t.casefold() not in GENERIC_LABELS
            and not (" " not in t and len(t) > _MAX_TAG_TOKEN)]
    if kept and sum(map(_is_code, kept)) * 2 >= len(kept):
        kept = [t for t in kept if not _is_code(t)]
    seen: dict[str, str] = {}
    for tag in kept:
        seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


def clean_section(section: str | None) -> str | None:
    """``section`` unless it is empty or only names a kind of page ("Article", "News")."""
    section = clean_space(section)
    return section if section and section.casefold() not in GENERIC_LABELS else None


def _person_case(name: str) -> str:
    """An all-capitals name in title case ("MELISSA GOLDIN" -> "Melissa Goldin")."""
    return name.title() if name.isupper() and len(name) > 3 else name


_BYLINE_PREFIX = re.compile(
    r"^(?:(?:written|words|reporting|reported|story|text|posted)\s+by|by|author)\s*[:\-]?\s+", re.IGNORECASE
)
_SITE_SEPARATOR = re.compile(r"\s+[|–—]\s+|\s+-\s+|\s*\|\s*")
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_NAME_TAIL = re.compile(r"\s+(?:updated|published|posted|on|at)\b.*$|\s*\d.*$|\s*\(.*$", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"@|https?:|www\.|\.com\b|\d|\b(?:www|https?|com|org|net|staff|reporter|editor|correspondent|writer|contributor|"
    r"columnists?|news|desks?|agency|wire|teams?|updated|published|reporters|editors|writers|staffers)\b",
    re.IGNORECASE,
)


def name_key(name: str) -> str:
    return _LEADING_THE.sub("", " ".join(_WORD.findall(name.casefold())))


_LEADING_THE = re.compile(r"^the ")


def clean_authors(raw: list[str], site_names: list[str | None] = (), people: bool = True) -> list[str]:
    """Person names from raw author strings (organisation names with ``people=False``).

    Bylines are split on "and"/commas, "By"/"Written by" prefixes, "| Site" suffixes,
    URLs, trailing dates and roles dropped; emails, the site's own name and (for
    people) one-word names (a show, a wire, "admin") and names starting with "The"
    are not people; all-capitals names are put in
    title case; duplicates (case-insensitive) are removed, order kept.
    """
    blocked = {name_key(s) for s in site_names if s}
    names: list[str] = []
    seen: set[str] = set()
    for value in raw:
        value = _SITE_SEPARATOR.split(_URL.sub("", clean_space(value)).strip())[0]
        for part in _SPLIT_NAMES.split(_BYLINE_PREFIX.sub("", value)):
            name = _NAME_TAIL.sub("", _BYLINE_PREFIX.sub("", part.strip(" .:-"))).strip(" .:-")
            key = name_key(name)
            if (not key or key in seen or key in blocked or _NOT_A_NAME.search(name)
                    or len(name.split()) > 5 or len(name) < 3
                    or (people and (name.lower().startswith("the ") or " " not in name))):
                continue
            seen.add(key)
            names.append(_person_case(name))
    return names


def strip_site_suffix(title: str | None, site_name: str | None) -> str | None:
    """Drop a " | Site" / " - Site" suffix (or "Site | " prefix) equal to the site name."""
    title = clean_space(title)
    if not title or not site_name:
        return title or None
    key = name_key(site_name)
    for sep in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(sep)
        if head and name_key(tail) == key:
            return head.strip()
        first, _, rest = title.partition(sep)
        if rest and name_key(first) == key:
            return rest.strip()
    return title


def _squashed(name: str) -> str:
    return "".join(_WORD.findall(name.casefold()))


def pick_site_name(candidates: list[str | None], host: str) -> str | None:
    """The first candidate site name that matches the page's host name, else the first one.

    Matching: the name's letters, with or without a leading "the", appear in the host
    ("The Gateway Pundit" on thegatewaypundit.com), which a slogan used as publisher
    name does not; a bare domain ("example.co.uk") is a last resort.
    """
    names = [n for n in map(clean_space, candidates) if n]
    host = host.casefold()
    for name in names:
        squashed = _squashed(name)
        if " " in name or "." not in name:
            if squashed and (squashed in host or squashed.removeprefix("the") in host):
                return name
    return next((n for n in names if " " in n or "." not in n), names[0] if names else None)


_SIGNOFF = re.compile(r"^(?:reporting|reported|writing|written)\s+by\s+(.+)$", re.IGNORECASE)
_SIGNOFF_PARTS = re.compile(r"[;\[\]]")
_PLACE = re.compile(r"\s+in\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*")
SIGNOFF_MAX_WORDS = 40


def signoff_authors(lines: list[str], site_names: list[str | None] = ()) -> list[str]:
    """Authors named in a closing sign-off ("Reporting by A, B in City; Writing by C; Editing by D").

    Only the last three lines, each short, split at ";" and brackets; a part must start
    with "Reporting by" / "Writing by" ("Additional reporting" and editors are not
    authors) and a name must start with a capital letter.
    """
    raw: list[str] = []
    for line in lines[-3:]:
        if len(line.split()) > SIGNOFF_MAX_WORDS:
            continue
        for part in _SIGNOFF_PARTS.split(line):
            if match := _SIGNOFF.match(part.strip()):
                raw.append(_PLACE.sub("", match.group(1)))
    return [name for name in clean_authors(raw, site_names) if name[0].isupper()]


_COPYRIGHT_NOISE = re.compile(r"copyright|©|\(c\)|\d{4}|all rights reserved\.?", re.IGNORECASE)


def copyright_holder(notice: str | None) -> str | None:
    """The name in a copyright notice ("Copyright (c) 2024 Example Media. All rights reserved")."""
    name = clean_space(_COPYRIGHT_NOISE.sub(" ", notice or "")).strip(" .,-–")
    return name if 0 < len(name.split()) <= 6 else None
