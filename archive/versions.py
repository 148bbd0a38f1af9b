"""Article versions: every distinct (title, text) an article has had, and diffs between them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from archive.article import StoredArticle
from archive.models import from_utc_text, versions_table
from archive.aliases import find_article

_VERSIONS = versions_table


@dataclass
class Version:
    article_id: int
    version: int
    fetched_at: datetime
    title: str
    text: str
    content_hash: str

    def to_json(self, url: str) -> dict[str, Any]:
        return {"article_id": self.article_id, "url": url, "version": self.version,
                "fetched_at": self.fetched_at.isoformat(), "title": self.title, "text": self.text,
                "content_hash": self.content_hash, "words": len(self.text.split())}


def article_versions(engine: Engine, id_or_url: str | int) -> tuple[StoredArticle, list[Version]] | None:
    """The article (by id, URL, canonical URL or the URL of an alias of it) and its versions,
    oldest first; None if unknown."""
    article, _ = find_article(engine, id_or_url)
    if article is None or article.id is None:
        return None
    stmt = select(_VERSIONS).where(_VERSIONS.c.article_id == article.id).order_by(_VERSIONS.c.version)
    with engine.connect() as conn:
        versions = [Version(row.article_id, row.version, _aware(row.fetched_at), row.title,
                            article.text if row.text is None else row.text, row.content_hash)
                    for row in conn.execute(stmt)]
    return article, versions


def _aware(value: Any) -> datetime:
    return value if isinstance(value, datetime) else from_utc_text(str(value))


def version_diff(old: Version, new: Version, url: str = "") -> str:
    """A unified diff of two versions: the title line, then the text, one paragraph per line."""
    before = [f"# {old.title}", "", *old.text.splitlines()]
    after = [f"# {new.title}", "", *new.text.splitlines()]
    label = f" {url}" if url else ""
    return "\n".join(difflib.unified_diff(
        before, after, fromfile=f"v{old.version}{label} ({old.fetched_at:%Y-%m-%d %H:%M:%S} UTC)",
        tofile=f"v{new.version}{label} ({new.fetched_at:%Y-%m-%d %H:%M:%S} UTC)", lineterm=""))
