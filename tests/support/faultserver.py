"""A fault-injection news site on 127.0.0.1: what the worst of the web does to a crawler.

:class:`FaultSite` serves, on a free loopback port, a small news site whose home page,
feeds, sitemaps and robots.txt lead to good articles (some with tricky charsets, NUL bytes,
truncated HTML, behind redirects, retries or gzip) and to every kind of fault: error
statuses, Retry-After, failures that heal after n tries, redirect loops, redirects off the
site and to private addresses, meta refresh, slow headers, a trickling body, connection
resets, short reads, empty and huge bodies, binaries labelled text/html, a gzip bomb, a
corrupt gzip body, an endless calendar and hostile feeds and sitemaps (billion laughs,
an external entity naming a local file, 100,000 URLs, a gzipped bomb, broken dates, a JSON
Feed nested 100,000 arrays deep).

A second loopback server (:class:`tests.support.faultsite_base.Recorder`) records every request it gets:
the links and redirects that lead to it must never be followed.

Faults at the TCP level (resets, short reads) use the raw socket of the handler.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.faultsite_base import GO_TARGETS, HEALING, Hit, Recorder, Server, Server6, SiteState, start
from tests.support.faultsite_content import (BAD, EMPTY, GOOD, GOOD_BY_PATH, MARKER, TRUNCATED_TAIL, article_html,
                                             billion_laughs, feed, gzip_bomb, laughs_feed, nested_json_feed, paragraphs,
                                             sitemap, sitemap_100k, xxe_sitemap)

class FaultHandler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.0"  # one request per connection; a body may end at the close

    # --- plumbing ------------------------------------------------------------------------
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    @property
    def state(self) -> SiteState:
        return self.server.state

    def reply(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, length: int | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": ctype, "Content-Length": str(len(body) if length is None else length),
                            **(headers or {})}.items():
            if value:
                self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            return

    def html(self, text: str, status: int = 200) -> None:
        self.reply(status, text.encode())

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), whatever was sent so far."""
        try:
            self.wfile.flush()
        except OSError:
            pass
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def trickle(self, data: bytes, pause: float, limit: float = 30.0) -> None:
        started = time.monotonic()
        for i in range(len(data)):
            if time.monotonic() - started > limit:
                return
            try:
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
            except OSError:
                return  # the crawler gave up
            time.sleep(pause)

    def redirect(self, location: str, status: int = 302) -> None:
        self.reply(status, b"", headers={"Location": location})

    # --- routing -------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        path = urlsplit(self.path).path
        with self.state.lock:
            self.state.hits.append(Hit(self.path, self.headers.get("Host", ""), time.monotonic()))
        route = ROUTES.get(path)
        if route is not None:
            route(self)
        elif path.startswith("/calendar/"):
            self.calendar(path)
        elif path.startswith("/go/"):
            self.go(path[len("/go/"):])
        elif path.startswith("/2026/10/"):  # the 100k-URL sitemap's entries
            self.reply(404, b"<html><body>not here</body></html>")
        else:
            self.reply(404, b"<html><body><h1>Not found</h1></body></html>")

    # --- the site ------------------------------------------------------------------------
    def home(self) -> None:
        st = self.state
        links = [g.path for g in GOOD if g.path.startswith("/2026/11/20/")]
        links = [p for p in links if p not in ("/2026/11/20/chain-end/", "/2026/11/20/refreshed/")]
        links += ["/2026/11/20/redirect-chain-start/", "/2026/11/20/meta-refresh-start/", *BAD, EMPTY,
                  "/calendar/2026/11/", *(f"/go/{name}" for name in GO_TARGETS)]
        hostile = ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin", f"{st.recorder}/linked",
                   f"http://localhost:{st.recorder.rsplit(':', 1)[1]}/linked", "http://2130706433/",
                   "http://0x7f.1/", "http://[::1]/", "file:///etc/passwd", "ftp://127.0.0.1/",
                   "gopher://127.0.0.1:70/", "javascript:alert(1)"]
        items = "".join(f"<li><a href='{href}'>Story {i}</a></li>" for i, href in enumerate(links + hostile))
        self.html("<!DOCTYPE html><html><head><title>Fault News</title>"
                  "<link rel='alternate' type='application/rss+xml' href='/feed.xml'>"
                  "<link rel='alternate' type='application/rss+xml' href='/feed-laughs.xml'>"
                  "<link rel='alternate' type='application/feed+json' href='/feed-nested.json'>"
                  f"<link rel='alternate' type='application/rss+xml' href='{st.recorder}/feed.xml'>"
                  f"</head><body><h1>Fault News</h1><ul>{items}</ul></body></html>")

    def robots(self) -> None:
        st = self.state
        lines = ["User-agent: *", "Disallow: /private/", "Sitemap: /sitemap.xml", "Sitemap: /sitemap-100k.xml.gz",
                 "Sitemap: /sitemap-bomb.xml.gz", "Sitemap: /sitemap-laughs.xml", "Sitemap: /sitemap-xxe.xml",
                 f"Sitemap: {st.recorder}/sitemap.xml", f"Sitemap: file://{st.marker_file}",
                 "Sitemap: http://169.254.169.254/latest/sitemap.xml"]
        self.reply(200, "\n".join(lines).encode(), "text/plain")

    def good(self) -> None:
        self.html(GOOD_BY_PATH[urlsplit(self.path).path].html())

    # --- charsets ------------------------------------------------------------------------
    def cp1252_as_utf8(self) -> None:
        page = GOOD_BY_PATH["/2026/11/20/cafe-prices-cp1252/"].html()
        self.reply(200, page.encode("cp1252"), "text/html; charset=utf-8")

    def shift_jis_meta(self) -> None:
        page = GOOD_BY_PATH["/2026/11/20/tokyo-bridge-shift-jis/"].html(
            head="<meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>")
        self.reply(200, page.encode("shift_jis"), "text/html")

    def utf8_as_latin1(self) -> None:
        page = GOOD_BY_PATH["/2026/11/20/arhus-cafe-utf8-labelled-latin1/"].html()
        self.reply(200, page.encode("utf-8"), "text/html; charset=iso-8859-1")

    def nul_bytes(self) -> None:
        page = GOOD_BY_PATH["/2026/11/20/nul-bytes-in-malformed-html/"].html().encode()
        page = page.replace(b"<p>", b"<p>\x00", 3).replace(b"harbour", b"har\x00bour")
        page = page.replace(b"</article>", b"<div><span><b>unclosed \x00<i>tags</div></p></html><<<>>>\x00")
        self.reply(200, page)

    def truncated(self) -> None:
        good = GOOD_BY_PATH["/2026/11/20/truncated-story/"]
        page = article_html(good.title, [*paragraphs(good.topic), TRUNCATED_TAIL]).encode()
        cut = page.index(TRUNCATED_TAIL.encode()) + len(TRUNCATED_TAIL)
        self.reply(200, page[:cut] + b"<sp")  # ends inside a tag, nothing closed

    # --- retries -------------------------------------------------------------------------
    def after_503(self) -> None:
        if self.state.fail_once_more(urlsplit(self.path).path):
            self.reply(503, b"busy", headers={"Retry-After": "1"})
        else:
            self.good()

    def after_429(self) -> None:
        if self.state.fail_once_more(urlsplit(self.path).path):
            self.reply(429, b"slow down", headers={"Retry-After": "1"})
        else:
            self.good()

    def after_reset(self) -> None:
        if self.state.fail_once_more(urlsplit(self.path).path):
            self.reset()
        else:
            self.good()

    # --- redirects -----------------------------------------------------------------------
    def chain_start(self) -> None:
        self.redirect("/r/2", 301)

    def chain_2(self) -> None:
        self.redirect("/r/3", 302)

    def chain_3(self) -> None:
        self.redirect("/2026/11/20/chain-end/", 307)

    def meta_refresh(self) -> None:
        self.html("<html><head><meta http-equiv='refresh' content='0; url=/2026/11/20/refreshed/'>"
                  "<title>Moved</title></head><body>Moved</body></html>")

    def loop_a(self) -> None:
        self.redirect("/loop-b/")

    def loop_b(self) -> None:
        self.redirect("/2026/11/19/redirect-loop/")

    def go(self, name: str) -> None:
        target = GO_TARGETS.get(name)
        if target is None:
            self.reply(404)
            return
        location = target(self.state)
        if name == "meta-refresh-private":
            self.html(f"<html><head><meta http-equiv='refresh' content='0; url={location}'></head></html>")
        else:
            self.redirect(location)

    # --- TCP-level faults and bad bodies -------------------------------------------------
    def slow_headers(self) -> None:
        time.sleep(8)
        self.html(article_html("Slow headers", paragraphs("Slow")))

    def slow_body(self) -> None:
        page = article_html("Slow body", paragraphs("Trickle")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.trickle(page, pause=0.05, limit=20)

    def reset_before(self) -> None:
        self.reset()

    def reset_mid_body(self) -> None:
        page = article_html("Reset mid body", paragraphs("Midbody")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page[: len(page) // 2])
        self.reset()

    def short_read(self) -> None:
        page = article_html("Short read", paragraphs("Short")).encode()
        self.reply(200, page, length=len(page) + 5000)  # then the connection closes

    def empty(self) -> None:
        self.reply(200, b"", "text/html")

    def huge(self, streamed: bool) -> None:
        filler = b"<p>" + b"padding " * 1000 + b"</p>\n"
        page = article_html("Huge page", paragraphs("Huge")).encode()
        size = 20 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if not streamed:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            self.wfile.write(page[:-len(b"</body></html>")])
            sent = len(page)
            while sent < size:
                self.wfile.write(filler)
                sent += len(filler)
        except OSError:
            return  # the crawler stopped reading, as it should

    def pdf(self) -> None:
        self.reply(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n" * 200, "text/html")

    def png(self) -> None:
        self.reply(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64, "text/html; charset=utf-8")

    def bomb(self) -> None:
        self.reply(200, self.state.bombs["page"], headers={"Content-Encoding": "gzip"})

    def gzipped_good(self) -> None:
        page = GOOD_BY_PATH["/2026/11/20/gzipped-story/"].html().encode()
        self.reply(200, gzip.compress(page), headers={"Content-Encoding": "gzip"})

    def corrupt_gzip(self) -> None:
        data = bytearray(gzip.compress(article_html("Corrupt", paragraphs("Corrupt")).encode()))
        data[10:40] = b"\xff" * 30
        self.reply(200, bytes(data), headers={"Content-Encoding": "gzip"})

    def calendar(self, path: str) -> None:
        parts = [p for p in path.split("/") if p]
        try:
            year, month = int(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            self.reply(404)
            return
        nxt = (year + month // 12, month % 12 + 1)
        prev = (year - (month == 1), 12 if month == 1 else month - 1)
        self.html(f"<html><head><title>Events {year}-{month:02d}</title></head><body>"
                  f"<a rel='next' href='/calendar/{nxt[0]}/{nxt[1]:02d}/'>next month</a> "
                  f"<a href='/calendar/{prev[0]}/{prev[1]:02d}/'>previous month</a>"
                  f"<a href='/calendar/{year}/{month:02d}/?view=week'>week</a></body></html>")

    # --- feeds and sitemaps --------------------------------------------------------------
    def xml(self, body: bytes, ctype: str = "application/xml") -> None:
        self.reply(200, body, ctype)


ROUTES: dict[str, Callable[[FaultHandler], None]] = {
    **{g.path: FaultHandler.good for g in GOOD},  # the plain ones; tricky ones are overridden below
    "/": FaultHandler.home,
    "/robots.txt": FaultHandler.robots,
    "/2026/11/20/cafe-prices-cp1252/": FaultHandler.cp1252_as_utf8,
    "/2026/11/20/tokyo-bridge-shift-jis/": FaultHandler.shift_jis_meta,
    "/2026/11/20/arhus-cafe-utf8-labelled-latin1/": FaultHandler.utf8_as_latin1,
    "/2026/11/20/nul-bytes-in-malformed-html/": FaultHandler.nul_bytes,
    "/2026/11/20/truncated-story/": FaultHandler.truncated,
    "/2026/11/20/recovers-after-503/": FaultHandler.after_503,
    "/2026/11/20/recovers-after-429/": FaultHandler.after_429,
    "/2026/11/20/recovers-after-reset/": FaultHandler.after_reset,
    "/2026/11/20/redirect-chain-start/": FaultHandler.chain_start,
    "/r/2": FaultHandler.chain_2,
    "/r/3": FaultHandler.chain_3,
    "/2026/11/20/meta-refresh-start/": FaultHandler.meta_refresh,
    "/2026/11/20/gzipped-story/": FaultHandler.gzipped_good,
    "/2026/11/19/gone-404/": lambda h: h.reply(404, b"<html><body>Not found</body></html>"),
    "/2026/11/19/gone-410/": lambda h: h.reply(410, b"<html><body>Gone</body></html>"),
    "/2026/11/19/forbidden-403/": lambda h: h.reply(403, b"<html><body>Forbidden</body></html>"),
    "/2026/11/19/broken-500/": lambda h: h.reply(500, b"<html><body>Internal error</body></html>"),
    "/2026/11/19/down-503/": lambda h: h.reply(503, b"down", headers={"Retry-After": "1"}),
    "/2026/11/19/redirect-loop/": FaultHandler.loop_a,
    "/loop-b/": FaultHandler.loop_b,
    "/2026/11/19/slow-headers/": FaultHandler.slow_headers,
    "/2026/11/19/slow-body/": FaultHandler.slow_body,
    "/2026/11/19/reset-before-any-byte/": FaultHandler.reset_before,
    "/2026/11/19/reset-mid-body/": FaultHandler.reset_mid_body,
    "/2026/11/19/short-read/": FaultHandler.short_read,
    EMPTY: FaultHandler.empty,
    "/2026/11/19/huge-page/": lambda h: h.huge(streamed=False),
    "/2026/11/19/huge-page-streamed/": lambda h: h.huge(streamed=True),
    "/2026/11/19/pdf-as-html/": FaultHandler.pdf,
    "/2026/11/19/png-as-html/": FaultHandler.png,
    "/2026/11/19/gzip-bomb/": FaultHandler.bomb,
    "/2026/11/19/corrupt-gzip/": FaultHandler.corrupt_gzip,
    "/feed.xml": lambda h: h.xml(feed(h.state.base, h.state.recorder), "application/rss+xml"),
    "/feed-laughs.xml": lambda h: h.xml(laughs_feed(h.state.base, str(h.state.marker_file)), "application/rss+xml"),
    "/feed-nested.json": lambda h: h.xml(nested_json_feed(), "application/feed+json"),
    "/sitemap.xml": lambda h: h.xml(sitemap(h.state.base, h.state.recorder)),
    "/sitemap-100k.xml.gz": lambda h: h.xml(h.state.bombs["sitemap-100k"], "application/x-gzip"),
    "/sitemap-bomb.xml.gz": lambda h: h.xml(h.state.bombs["sitemap-bomb"], "application/x-gzip"),
    "/sitemap-laughs.xml": lambda h: h.xml(billion_laughs(
        "urlset", f"<url><loc>{h.state.base}/2026/11/21/&lol9;/</loc></url>")),
    "/sitemap-xxe.xml": lambda h: h.xml(xxe_sitemap(h.state.base, str(h.state.marker_file))),
}


class FaultSite:
    """The fault site and the recorder, started with ``with FaultSite(tmp) as site:``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.state = SiteState()
        self.recorder_state = SiteState()
        self.servers: list[Server] = []

    def __enter__(self) -> FaultSite:
        recorder = Server(("127.0.0.1", 0), Recorder)
        recorder.state = self.recorder_state
        self.servers.append(recorder)
        self.state.recorder = f"http://127.0.0.1:{recorder.server_address[1]}"
        try:
            recorder6 = Server6(("::1", 0), Recorder)
        except OSError:  # no IPv6 loopback here
            pass
        else:
            recorder6.state = self.recorder_state
            self.servers.append(recorder6)
            self.state.recorder6 = f"http://[::1]:{recorder6.server_address[1]}"
        site = Server(("127.0.0.1", 0), FaultHandler)
        site.state = self.state
        self.servers.append(site)
        self.state.base = f"http://127.0.0.1:{site.server_address[1]}"
        self.state.failures = dict(HEALING)
        self.state.marker_file = self.tmp / "marker.xml"
        # The local file is itself a sitemap naming a URL with the marker: had anyone read it,
        # the fault site would see that URL requested.
        self.state.marker_file.write_text(
            f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>"
            f"{self.state.base}/2026/11/21/{MARKER}/</loc></url></urlset>\n{MARKER}\n")
        head = article_html("Bomb", paragraphs("Bomb")).encode()[:-len(b"</body></html>")]
        self.state.bombs = {
            "page": gzip_bomb(head, 512 * 1024 * 1024),
            "sitemap-bomb": gzip_bomb(b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                                      b"sitemap/0.9'><url><loc>" + self.state.base.encode()
                                      + b"/2026/11/21/in-sitemap-bomb/</loc></url>", 512 * 1024 * 1024),
            "sitemap-100k": sitemap_100k(self.state.base),
        }
        for server in self.servers:
            start(server)
        return self

    @property
    def base_url(self) -> str:
        return self.state.base

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":  # serve it by hand: python -m tests.support.faultserver
    import tempfile

    with FaultSite(Path(tempfile.mkdtemp())) as fault_site:
        print(fault_site.base_url, "recorder:", fault_site.state.recorder, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
