"""The guards of what is fetched and how bodies are read: addresses, schemes, binaries, charsets, XML.

The crawl against the fault site (test_faults.py) shows them at work; these pin down the rules.
"""

from __future__ import annotations

import gzip
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from twisted.python.failure import Failure

from newscrawler.fetch.bodyguard import binary_kind
from newscrawler.process.charsets import decode_checked
from newscrawler.process.page import decode_body, decode_page
from newscrawler.discover.documents import DiscoveryError, inflate, parse_feed, parse_sitemap, strip_doctype
from newscrawler.fetch.failures import Refused, describe_failure
from newscrawler.fetch.ssrf import allowed_entry, host_port, ip_literal, is_internal
from tests.support.cli import LOCAL, cli, rows
from tests.support.faultsite_content import CP1252_TEXT, LATIN1_TEXT, SJIS_TEXT, Good, billion_laughs, gzip_bomb
from tests.support.loopback import QuietHandler, serving


@pytest.mark.unit
@pytest.mark.parametrize("host, address", [
    ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("[::1]", "::1"), ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ("169.254.169.254", "169.254.169.254"), ("fe80::1%eth0", "fe80::1"),
])  # fmt: skip
def test_ip_literals_in_every_spelling(host: str, address: str) -> None:
    assert ip_literal(host) == ipaddress.ip_address(address)


@pytest.mark.unit
@pytest.mark.parametrize("host", ["example.com", "cafe.be", "localhost", "deadbeef", ""])
def test_host_names_are_not_literals(host: str) -> None:
    assert ip_literal(host) is None


@pytest.mark.unit
@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "239.255.255.250", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:10.0.0.1", "2002:7f00:1::",
])  # fmt: skip
def test_internal_addresses(address: str) -> None:
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.unit
@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses(address: str) -> None:
    assert not is_internal(ipaddress.ip_address(address))


@pytest.mark.unit
def test_allowed_host_entries() -> None:
    assert allowed_entry("intranet.local") == ("intranet.local", None)
    assert allowed_entry("10.0.0.5:8080") == ("10.0.0.5", 8080)
    assert allowed_entry("[::1]") == ("::1", None) and allowed_entry("[fd00::1]:81") == ("fd00::1", 81)


@pytest.mark.unit
def test_host_port_defaults() -> None:
    assert host_port("http://Example.COM./a") == ("example.com", 80)
    assert host_port("https://[::1]:8443/") == ("::1", 8443)
    assert host_port("127.0.0.1:9000") == ("127.0.0.1", 9000)


# --- bodies ----------------------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("body, kind", [
    (b"%PDF-1.7\n...", "a PDF document"), (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
    (b"\xff\xd8\xff\xe0JFIF", "a JPEG image"), (b"  GIF89a...", "a GIF image"), (b"PK\x03\x04zip", "a ZIP archive"),
    (b"\x1f\x8b\x08\x00", "gzip data"), (bytes(range(32)) * 20, "binary data"),
    (b"\x00\x00\x00\x18ftypmp42", "MP4/QuickTime media"),
])  # fmt: skip
def test_binaries_are_recognised(body: bytes, kind: str) -> None:
    assert binary_kind(body) == kind


@pytest.mark.unit
@pytest.mark.parametrize("body", [
    b"", b"<html><body>hi</body></html>", b"<p>a \x00 few \x00 NULs</p>" * 20, SJIS_TEXT.encode("shift_jis"),
    "\ufeff<html>utf-16</html>".encode("utf-16"), CP1252_TEXT.encode("cp1252"),
])  # fmt: skip
def test_text_is_not_binary(body: bytes) -> None:
    assert binary_kind(body) is None


@pytest.mark.unit
@pytest.mark.parametrize("body, header, meta, expected", [
    (CP1252_TEXT.encode("cp1252"), "utf-8", None, "cp1252"),  # labelled utf-8, is cp1252
    (LATIN1_TEXT.encode("utf-8"), "iso-8859-1", None, "utf-8"),  # labelled latin-1, is utf-8
    (LATIN1_TEXT.encode("utf-8"), None, "windows-1252", "utf-8"),  # the same, labelled in <meta>
    (SJIS_TEXT.encode("shift_jis"), "utf-8", "shift_jis", "cp932"),  # wrong header, right <meta>
    (SJIS_TEXT.encode("shift_jis"), None, "Shift_JIS", None),  # right <meta>: Scrapy's choice stands
    (LATIN1_TEXT.encode("utf-8"), "utf-8", None, None),  # right
    ("café".encode("cp1252"), "latin-1", None, None),  # right
    (b"plain ascii", "iso-8859-1", None, None),
    (CP1252_TEXT.encode("cp1252"), None, None, None),  # unlabelled: Scrapy detects
])  # fmt: skip
def test_corrected_encoding(body: bytes, header: str | None, meta: str | None, expected: str | None) -> None:
    found = decode_checked(body, header, meta)
    corrected = found[0] if found is not None and found[2] else None  # None: the labels stand
    assert corrected == expected
    if expected:
        assert body.decode(expected) in (CP1252_TEXT, LATIN1_TEXT, SJIS_TEXT)


# --- hostile XML, bounded inflation ----------------------------------------------------------

@pytest.mark.unit
def test_billion_laughs_is_not_expanded_and_the_rest_survives() -> None:
    feed = billion_laughs("rss", "<channel><title>&lol9;</title><item><title>&lol9;</title>"
                                 "<link>http://x.test/a/</link></item></channel>")
    assert [e.url for e in parse_feed(feed, "http://x.test/", 10)] == ["http://x.test/a/"]
    sitemap = billion_laughs("urlset", "<url><loc>http://x.test/&lol9;/b</loc></url>")
    entries = parse_sitemap(sitemap, "http://x.test/", 10).entries
    assert len(entries) == 1 and "lol" not in entries[0].url


@pytest.mark.unit
def test_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    doc = (f"<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY x SYSTEM 'file://{secret}'>]>"
           "<urlset><url><loc>http://x.test/&x;</loc></url></urlset>").encode()
    entries = parse_sitemap(doc, "http://x.test/", 10).entries
    assert "TOP-SECRET" not in repr(entries)


@pytest.mark.unit
def test_strip_doctype_keeps_the_document() -> None:
    assert strip_doctype(b"<?xml version='1.0'?><!DOCTYPE rss SYSTEM 'x.dtd'><rss/>") == b"<?xml version='1.0'?><rss/>"
    assert strip_doctype(b"<rss>no doctype</rss>") == b"<rss>no doctype</rss>"


@pytest.mark.unit
def test_gzip_bomb_inflation_is_bounded() -> None:
    bomb = gzip_bomb(b"<urlset>", 64 * 1024 * 1024)
    assert len(bomb) < 200_000
    with pytest.raises(DiscoveryError) as caught:
        inflate(bomb, 1024 * 1024)
    assert caught.value.reason == "too_large"
    with pytest.raises(DiscoveryError) as caught:
        inflate(gzip.compress(b"x" * 1000)[:30] + b"\xff" * 20, 1024 * 1024)
    assert caught.value.reason == "corrupt_gzip"


@pytest.mark.unit
def test_refusals_keep_their_reason() -> None:
    assert describe_failure(Failure(Refused("ssrf_refused", "not fetched: x"))) == ("ssrf_refused", "not fetched: x")


# --- FETCH_ALLOWED_HOSTS: the user may allow an internal host -------------------------------------

GOOD = Good("/2026/11/20/allowed-host/", "Allowed host", "Allowed")


class _Target(QuietHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Target.hits.append(self.path)
        self.reply(200, GOOD.html().encode()) if self.path == GOOD.path else self.reply(404)


@pytest.fixture
def two_hosts() -> Iterator[tuple[str, str]]:
    """(a start URL that redirects to the other server, the other server's base URL)."""
    _Target.hits = []
    with serving(_Target) as target:
        class Redirector(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/robots.txt":
                    self.reply(404)
                else:
                    self.reply(302, headers={"Location": target + GOOD.path})

        with serving(Redirector) as start:
            yield start + "/2026/11/20/moved/", target


@pytest.mark.e2e
def test_redirect_to_another_loopback_port_is_refused(two_hosts: tuple[str, str], tmp_path: Path) -> None:
    start, target = two_hosts
    db = tmp_path / "a.sqlite3"
    result = cli("fetch", start, "--db", str(db), *LOCAL, env={"no_proxy": "*"})
    assert result.code == 1
    assert "internal address" in result.stderr and start in result.stderr
    assert _Target.hits == []  # not even its robots.txt
    assert rows(db, "SELECT count(*) FROM articles") == [(0,)]


@pytest.mark.e2e
def test_fetch_allowed_hosts_lets_the_user_allow_it(two_hosts: tuple[str, str], tmp_path: Path) -> None:
    start, target = two_hosts
    db = tmp_path / "b.sqlite3"
    allowed = target.removeprefix("http://")
    result = cli("fetch", start, "--db", str(db), *LOCAL, "-s", f"FETCH_ALLOWED_HOSTS={allowed}", env={"no_proxy": "*"})
    assert result.code == 0, result.stderr
    assert [p for p in _Target.hits if p != "/robots.txt"] == [GOOD.path]
    assert rows(db, "SELECT title FROM articles") == [(GOOD.title,)]


@pytest.mark.unit
@pytest.mark.parametrize("body, content_type, encoding, corrected", [
    (CP1252_TEXT.encode("cp1252"), "text/html; charset=utf-8", "cp1252", True),
    (LATIN1_TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8", True),
    (b'<meta charset="shift_jis">' + SJIS_TEXT.encode("shift_jis"), "text/html; charset=utf-8", "cp932", True),
    (LATIN1_TEXT.encode("utf-8"), "text/html; charset=utf-8", "utf-8", False),
    ("café".encode("cp1252"), "text/html; charset=latin-1", "cp1252", False),
    (LATIN1_TEXT.encode("utf-8"), "text/html", "utf-8", False),  # unlabelled: detected, as Scrapy does
])  # fmt: skip
def test_the_worker_decodes_a_page_once_with_its_labels_corrected(body: bytes, content_type: str, encoding: str,
                                                                  corrected: bool) -> None:
    found, text, was_corrected = decode_page(body, content_type)
    assert (found, was_corrected) == (encoding, corrected)
    assert text == body.decode(encoding)
    if not corrected:  # right labels: exactly what Scrapy's response.text gives
        assert (found, text) == decode_body(body, content_type)
