"""JSON-LD of a page: every object, flattened, and the readers of its values (the article
object, author people and organisations, names, keyword lists)."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from newscrawler.extract.metadata.names import clean_space
from newscrawler.extract.metadata.trees import per_tree

# schema.org types of an article (lower case); a type ending in "article" counts too.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
    "askpublicnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "report", "scholarlyarticle", "techarticle", "satiricalarticle",
})  # fmt: skip


def parse_json(raw: str) -> list[Any]:
    """The JSON values of one script, tolerating comment wrappers, trailing commas, concatenation."""
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    decoder = json.JSONDecoder(strict=False)
    for candidate in (raw, re.sub(r",\s*([}\]])", r"\1", raw)):
        found: list[Any] = []
        pos = 0
        try:
            while pos < len(candidate):
                value, pos = decoder.raw_decode(candidate, pos)
                found.append(value)
                while pos < len(candidate) and candidate[pos] in " \t\r\n;,":
                    pos += 1
        except (ValueError, RecursionError):
            pass
        if found:
            return found
    return []


def flatten(value: Any, out: list[dict], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(value, list):
        for item in value:
            flatten(item, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        for key in ("@graph", "mainEntity"):
            if isinstance(value.get(key), (dict, list)):
                flatten(value[key], out, depth + 1)


def jsonld_objects(tree: Any) -> list[dict]:
    """All JSON-LD objects of the page, flattened (top-level lists, ``@graph``, ``mainEntity``).

    Broken JSON is repaired where cheap and skipped otherwise; never raises. The result
    is shared by the callers of the same tree: do not modify it.
    """
    return per_tree("jsonld", tree, _jsonld_objects)


_JSONLD_SCRIPTS = etree.XPath('/descendant::script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')


def _jsonld_objects(tree: Any) -> list[dict]:
    out: list[dict] = []
    try:
        scripts = _JSONLD_SCRIPTS(tree)
    except (AttributeError, etree.Error):
        return out
    for script in scripts:
        if script.text:
            flatten(parse_json(script.text), out)
    return out


def types_of(obj: dict) -> list[str]:
    return [v.rsplit("/", 1)[-1].lower() for v in as_list(obj.get("@type")) if isinstance(v, str)]


def article_object(objects: list[dict]) -> dict | None:
    articles = [o for o in objects if any(t in ARTICLE_TYPES or t.endswith("article") for t in types_of(o))]
    with_headline = [o for o in articles if o.get("headline") or o.get("articleBody")]
    return (with_headline or articles or [None])[0]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def resolve(value: Any, index: dict[str, dict]) -> Any:
    """Follow a ``{"@id": ...}`` reference to the full object when the graph has it."""
    if isinstance(value, dict) and len(value) <= 2 and isinstance(value.get("@id"), str):
        return index.get(value["@id"], value)
    return value


def people_of(value: Any, index: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(person names, organisation names) of a JSON-LD author value."""
    people: list[str] = []
    orgs: list[str] = []
    for item in as_list(value):
        item = resolve(item, index)
        if isinstance(item, str):
            people.append(item)
        elif isinstance(item, dict):
            name = first_text(item.get("name"))
            name = name or f"{clean_space(item.get('givenName'))} {clean_space(item.get('familyName'))}"
            (orgs if any("organization" in t for t in types_of(item)) else people).append(name.strip())
    return people, orgs


def first_text(value: Any, key: str = "name") -> str | None:
    """The first non-empty string of a value that may be a string, object or list of them."""
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get(key) or item.get("url")
        if text := clean_space(item):
            return text
    return None


def keywords(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else as_list(value)
    return [text for item in items if (text := clean_space(item))]
