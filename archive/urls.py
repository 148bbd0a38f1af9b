"""URL canonicalization, used to recognise the same article under several URLs."""

from __future__ import annotations

import sys
from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only track where a click came from; they never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "mc_cid", "mc_eid", "igshid", "igsh", "_ga", "_gl", "_hsenc", "_hsmi",
        "ref_src", "ref_url", "cmpid", "ocid", "mkt_tok", "vero_id", "vero_conv",
        "oly_enc_id", "oly_anon_id", "rb_clickid", "s_cid", "twclid", "ttclid",
        "li_fat_id", "wickedid", "spm", "sc_cid", "ncid", "ito", "at_medium",
        "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "xtor", "smid", "soc_src", "soc_trk",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def _is_tracking(raw_pair: str) -> bool:
    key = unquote_plus(raw_pair.split("=", 1)[0]).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _clean_query(query: str) -> str:
    pairs = [p for p in query.split("&") if p and not _is_tracking(p)]
    return "&".join(sorted(pairs))


def _netloc(scheme: str, netloc: str) -> str:
    userinfo, sep, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal
        end = hostport.find("]")
        if end != -1:
            host, port = hostport[: end + 1], hostport[end + 2 :]
    elif ":" in hostport:
        host, port = hostport.rsplit(":", 1)
    host = host.lower().rstrip(".")
    if port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme):
        port = ""
    hostport = f"{host}:{port}" if port else host
    return f"{userinfo}{sep}{hostport}"


# A crawl asks for the same URLs many times (every page's navigation links, each article at
# discovery, fetch, dedupe and storage): both functions are pure and remembered. Their results
# are interned, so the crawl's records of a URL (links seen, URL state, dedupe) share one string.
# 2,048 entries (~0.7 MB for both): the recurring URLs fit, and a crawl of 5,000 articles fills
# them as one of 20,000 does, so memory does not depend on the crawl's length.
@lru_cache(maxsize=2048)
def canonicalize_url(url: str) -> str:
    """Normalize ``url`` so that trivially different spellings compare equal.

    Lower-cases scheme and host, drops default ports and the fragment, removes
    tracking query parameters (``utm_*``, ``fbclid``...), sorts the remaining
    ones and turns an empty path into ``/``. Percent-encoding is left as is.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = _netloc(scheme, parts.netloc)
    path = parts.path or ("/" if netloc else "")
    return sys.intern(urlunsplit((scheme, netloc, path, _clean_query(parts.query), "")))


@lru_cache(maxsize=2048)
def site_of(url: str) -> str:
    """The host of ``url`` without a leading ``www.`` (the port is kept unless default).

    Also accepts a bare host such as ``www.example.com`` or ``example.com/path``.
    """
    value = url.strip()
    if "://" not in value and not value.startswith("//"):
        value = "//" + value
    parts = urlsplit(value)
    hostport = _netloc(parts.scheme.lower(), parts.netloc).rpartition("@")[2]
    return sys.intern(hostport.removeprefix("www."))
