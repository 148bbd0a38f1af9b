"""Which charset a page's bytes are really in, when their labels are wrong (no Scrapy imports).

A label the body does not decode with (cp1252 bytes labelled utf-8) falls back to the
page's ``<meta>`` charset, then utf-8, then cp1252; a Western single-byte label (latin-1,
cp1252, ascii) on a body that is valid non-ASCII UTF-8 means UTF-8. A BOM, or no label
at all, is left to the usual order (BOM, then detection).

:func:`decode_checked` answers the question while it decodes, so a page is decoded
once (the extraction workers use it, through ``newscrawler.process.page.decode_page``).
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

WESTERN = frozenset({"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"})


def codec_name(name: str | None) -> str | None:
    """The canonical codec name of a charset label (WHATWG aliases resolved), None if unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(resolve_encoding(name) or name).name
    except LookupError:
        return None


def strict_decode(body: bytes, encoding: str) -> str | None:
    """``body`` decoded with ``encoding``, or None when it does not decode."""
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_checked(body: bytes, header: str | None, meta: str | None) -> tuple[str, str, bool] | None:
    """(encoding, text, corrected) of a labelled ``body`` whose bytes decode (corrected as the
    module says; ``corrected`` when that is not the label's encoding).

    ``header`` is the Content-Type charset, ``meta`` the ``<meta>`` one (either may be None).
    None when there is a BOM, no known label, or no candidate decodes the bytes.
    """
    if read_bom(body)[0]:
        return None
    declared = codec_name(header) or codec_name(meta)
    if declared is None:
        return None
    text = strict_decode(body, declared)
    if text is not None:
        if declared in WESTERN and not body.isascii() and (utf8 := strict_decode(body, "utf-8")) is not None:
            return "utf-8", utf8, True
        return declared, text, False
    for candidate in (codec_name(meta), "utf-8", "cp1252"):
        if candidate and candidate != declared and (text := strict_decode(body, candidate)) is not None:
            return candidate, text, True
    return None


def labels(body: bytes, content_type: str) -> tuple[str | None, str | None]:
    """The (Content-Type, ``<meta>``) charset labels of a page."""
    return http_content_type_encoding(content_type), html_body_declared_encoding(body)
