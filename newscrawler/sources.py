"""``sources.toml``: the sites a scheduled crawl covers, one ``[[site]]`` table each.

    [[site]]
    name = "Harbor Herald"                      # optional; default: the host of the first URL
    url = "https://www.example-news.com/"       # or urls = ["...", "..."]: start pages
    feeds = ["https://www.example-news.com/rss.xml"]     # extra feeds (also discovered)
    sitemaps = ["https://www.example-news.com/news-sitemap.xml"]
    allow = ["/20\\d\\d/"]                     # regexes; a followed link must match one (if given)
    deny = ["/live/", "\\?page=\\d{3,}"]       # regexes; a matching link is never followed
    depth = 2                                   # link-following hops (default: --depth, else 3)
    max_articles = 200                          # new or updated articles per run
    language = "en"                             # sent as Accept-Language; stored when none is found
    user_agent = "MyArchiveBot/1.0 (+https://example.org/bot)"
    delay = 2.0                                 # seconds between requests to this site
    crawl_delay = 5                             # instead of robots.txt's Crawl-delay (0: ignore it)
    enabled = true

    [site.profile]                              # optional publisher profile (newscrawler.extract.profile)
    title = "h1.headline"                       # CSS, or XPath when it starts with / or (
    authors = ".byline a[rel=author]"           # every match is one author
    date = "time.published::attr(datetime)"
    body = "div.article-body"                   # extraction runs only on the matching elements
    section = "nav.breadcrumb li:last-child"
    drop = [".newsletter-signup", "//aside"]    # removed before extraction

:func:`load_sources` returns the sites and every error with the line and field.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.urls import site_of
from newscrawler.extract.profile import FIELD_SELECTORS, PROFILE_FIELDS, Profile, profile_errors

FIELDS = {"name", "url", "urls", "feeds", "sitemaps", "allow", "deny", "depth", "max_articles", "language",
          "user_agent", "delay", "crawl_delay", "enabled", "profile"}


@dataclass
class Source:
    name: str
    urls: list[str]
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    depth: int | None = None
    max_articles: int | None = None
    language: str | None = None
    user_agent: str | None = None
    delay: float | None = None
    crawl_delay: float | None = None
    enabled: bool = True
    profile: Profile | None = None
    line: int = 0

    @property
    def site(self) -> str:
        return site_of(self.urls[0])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SourceError:
    path: str
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class SourcesError(ValueError):
    """A sources file with errors; ``errors`` holds each one (line and field)."""

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = errors
        more = f" (and {len(errors) - 1} more; run 'newscrawler sources check')" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


_HEADER = re.compile(r"^\s*\[\[\s*site\s*\]\]")
_SUBTABLE = re.compile(r"^\s*\[\s*site\s*\.\s*([A-Za-z0-9_-]+)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _site_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """For each ``[[site]]`` table: its header line and the line of each key (1-based); the keys
    of a ``[site.NAME]`` sub-table as ``NAME.key`` (its header as ``NAME``)."""
    tables: list[tuple[int, dict[str, int]]] = []
    current: dict[str, int] | None = None
    prefix = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if _HEADER.match(line):
            current, prefix = {}, ""
            tables.append((number, current))
        elif current is not None and (sub := _SUBTABLE.match(line)):
            prefix = sub.group(1) + "."
            current.setdefault(sub.group(1), number)
        elif line.lstrip().startswith("["):
            current = None
        elif current is not None and (match := _KEY.match(line)):
            current.setdefault(prefix + match.group(1), number)
    return tables


def _http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class _Checker:
    def __init__(self, path: str, table: dict[str, Any], header: int, lines: dict[str, int]) -> None:
        self.path, self.table, self.header, self.lines = path, table, header, lines
        self.errors: list[SourceError] = []

    def error(self, name: str | None, message: str) -> None:
        line = (self.lines.get(name) or self.lines.get(name.split(".")[0], self.header)) if name else self.header
        self.errors.append(SourceError(self.path, line, name, message))

    def url_list(self, name: str) -> list[str]:
        value = self.table.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(name, "must be a list of URLs")
            return []
        good = [v for v in value if _http_url(v)]
        for bad in (v for v in value if not _http_url(v)):
            self.error(name, f"not an http(s) URL: {bad!r}")
        return good

    def patterns(self, name: str) -> list[str]:
        value = self.table.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(name, "must be a list of regular expressions")
            return []
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.error(name, f"bad regular expression {pattern!r}: {exc}")
        return list(value)

    def number(self, name: str, kind: type, minimum: float) -> Any:
        value = self.table.get(name)
        if value is None:
            return None
        wrong_type = not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int))
        if isinstance(value, bool) or wrong_type:
            self.error(name, f"must be {'an integer' if kind is int else 'a number'}, got {value!r}")
            return None
        if not math.isfinite(value):
            self.error(name, f"must be a finite number, got {value!r}")
            return None
        if value < minimum:
            self.error(name, f"must be at least {minimum}, got {value!r}")
            return None
        return kind(value)

    def text(self, name: str) -> str | None:
        value = self.table.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.error(name, "must be a non-empty string")
            return None
        return value

    def profile(self, site: str) -> Profile | None:
        """The ``[site.profile]`` table: known fields, strings (drop: a list), selectors that compile."""
        table = self.table.get("profile")
        if table is None:
            return None
        if not isinstance(table, dict):
            self.error("profile", "must be a table: write [site.profile] under the site")
            return None
        errors = len(self.errors)
        for unknown in sorted(set(table) - set(PROFILE_FIELDS)):
            self.error(f"profile.{unknown}", f"unknown profile field (known: {', '.join(PROFILE_FIELDS)})")
        values: dict[str, Any] = {}
        for name in FIELD_SELECTORS:
            value = table.get(name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                self.error(f"profile.{name}", f"must be a selector (a non-empty string), got {value!r}")
            elif value is not None:
                values[name] = value
        drop = table.get("drop", [])
        drop = [drop] if isinstance(drop, str) else drop
        if not isinstance(drop, list) or not all(isinstance(v, str) and v.strip() for v in drop):
            self.error("profile.drop", "must be a list of selectors (non-empty strings)")
        else:
            values["drop"] = drop
        profile = Profile.from_dict(values)
        for exc in profile_errors(profile) if profile else []:
            self.error(f"profile.{exc.field}", f"{exc} (site {site!r})")
        return profile if len(self.errors) == errors else None

    def source(self) -> Source | None:
        for unknown in sorted(set(self.table) - FIELDS):
            self.error(unknown, f"unknown field (known: {', '.join(sorted(FIELDS))})")
        if "url" in self.table and not _http_url(self.table["url"]):
            self.error("url", f"not an http(s) URL: {self.table['url']!r}")
        urls = ([self.table["url"]] if _http_url(self.table.get("url")) else []) + self.url_list("urls")
        if "url" not in self.table and "urls" not in self.table:
            self.error(None, "site has no 'url' or 'urls'")
        enabled = self.table.get("enabled", True)
        if not isinstance(enabled, bool):
            self.error("enabled", f"must be true or false, got {enabled!r}")
        language = self.text("language")
        if language is not None and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)?", language):
            self.error("language", f"not a language code (e.g. en, de, pt-BR): {language!r}")
        source = Source(
            name=self.text("name") or (site_of(urls[0]) if urls else ""), urls=urls,
            feeds=self.url_list("feeds"), sitemaps=self.url_list("sitemaps"),
            allow=self.patterns("allow"), deny=self.patterns("deny"),
            depth=self.number("depth", int, 0), max_articles=self.number("max_articles", int, 1),
            language=language, user_agent=self.text("user_agent"), delay=self.number("delay", float, 0),
            crawl_delay=self.number("crawl_delay", float, 0),
            enabled=enabled is not False, line=self.header,
        )
        source.profile = self.profile(source.name)
        return None if self.errors or not urls else source


def parse_sources(text: str, path: str = "sources.toml") -> tuple[list[Source], list[SourceError]]:
    """All sites (enabled or not) and all errors of a sources file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return [], [SourceError(path, int(match.group(1)) if match else 0, None, f"not valid TOML: {exc}")]
    errors: list[SourceError] = []
    for key in sorted(set(data) - {"site"}):
        errors.append(SourceError(path, 0, key, "unknown top-level key (sites are [[site]] tables)"))
    tables = data.get("site", [])
    if not isinstance(tables, list):
        return [], [SourceError(path, 0, "site", "must be an array of tables: write [[site]]")]
    positions = _site_lines(text)
    sources: list[Source] = []
    names: dict[str, int] = {}
    for index, table in enumerate(tables):
        header, lines = positions[index] if index < len(positions) else (0, {})
        checker = _Checker(path, table, header, lines)
        source = checker.source()
        errors.extend(checker.errors)
        name = table.get("name")
        if isinstance(name, str) and name in names:
            errors.append(SourceError(path, lines.get("name", header), "name",
                                      f"duplicate site name {name!r} (first on line {names[name]})"))
        elif isinstance(name, str):
            names[name] = lines.get("name", header)
        if source is not None:
            sources.append(source)
    errors.sort(key=lambda e: e.line)
    if not tables and not errors:
        errors.append(SourceError(path, 0, None, "no [[site]] tables"))
    return sources, errors


def load_sources(path: str | Path, *, disabled: bool = False) -> list[Source]:
    """The enabled sites of a sources file (``disabled``: all of them); raises SourcesError listing
    every problem, OSError if unreadable."""
    sources, errors = parse_sources(Path(path).read_text(encoding="utf-8"), str(path))
    if errors:
        raise SourcesError(errors)
    return [s for s in sources if s.enabled or disabled]


class SiteRules:
    """Per-site overrides of a crawl, looked up by site (host without ``www.``)."""

    def __init__(self, sources: list[dict[str, Any]] | None = None) -> None:
        self.by_site: dict[str, dict[str, Any]] = {}
        for source in sources or []:
            for url in source.get("urls", []):
                self.by_site.setdefault(site_of(url), source)
        self._allow = {s: [re.compile(p) for p in src.get("allow") or []] for s, src in self.by_site.items()}
        self._deny = {s: [re.compile(p) for p in src.get("deny") or []] for s, src in self.by_site.items()}
        self._profiles = {s: Profile.from_dict(src.get("profile")) for s, src in self.by_site.items()}

    def get(self, url_or_site: str, name: str) -> Any:
        return self.by_site.get(site_of(url_or_site), {}).get(name)

    def profile(self, url: str) -> Profile | None:
        """The publisher profile of the site ``url`` belongs to, if it has one."""
        return self._profiles.get(site_of(url))

    def allowed(self, url: str) -> bool:
        """False when the site's ``deny`` patterns match ``url`` or its ``allow`` patterns do not."""
        site = site_of(url)
        if any(p.search(url) for p in self._deny.get(site, [])):
            return False
        allow = self._allow.get(site)
        return not allow or any(p.search(url) for p in allow)

    def headers(self, url: str) -> dict[str, str]:
        """Request headers for the site's overrides: User-Agent, and Accept-Language from ``language``."""
        headers = {}
        if agent := self.get(url, "user_agent"):
            headers["User-Agent"] = agent
        if language := self.get(url, "language"):
            headers["Accept-Language"] = f"{language},*;q=0.5"
        return headers

    def download_slots(self) -> dict[str, dict[str, float]]:
        """Scrapy ``DOWNLOAD_SLOTS`` for the sites with a ``delay``."""
        slots: dict[str, dict[str, float]] = {}
        for source in self.by_site.values():
            if source.get("delay") is not None:
                for url in source.get("urls", []):
                    host = urlsplit(url).hostname or ""
                    slots[host] = {"delay": float(source["delay"])}
        return slots
