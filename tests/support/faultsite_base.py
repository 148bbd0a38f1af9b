"""The plumbing of the fault site (:mod:`tests.support.faultserver`): its shared state, the HTTP server
class, and the recorder, a second loopback server that records every request it gets
(the links and redirects that lead to it must never be followed) and also serves as the
crawl's HTTP proxy in the tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Hit:
    path: str
    host: str
    when: float


@dataclass
class SiteState:
    base: str = ""
    recorder: str = ""  # http://127.0.0.1:PORT of the recorder
    recorder6: str = ""  # http://[::1]:PORT when IPv6 loopback is available
    marker_file: Path | None = None
    hits: list[Hit] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # path -> failures left before success
    bombs: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hits_for(self, path: str) -> list[Hit]:
        """Requests for ``path`` (query strings ignored), in order."""
        with self.lock:
            return [h for h in self.hits if urlsplit(h.path).path == path]

    def fail_once_more(self, path: str) -> bool:
        with self.lock:
            left = self.failures.get(path, 0)
            if left:
                self.failures[path] = left - 1
            return left > 0


class Server(ThreadingHTTPServer):
    daemon_threads = True
    state: SiteState

    def handle_error(self, request: object, client_address: object) -> None:
        return  # the crawler hanging up on a fault is the point, not an error


class Recorder(BaseHTTPRequestHandler):
    """Records every request (also proxy requests with an absolute URI) and answers 404."""

    server: Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except OSError:
            return

    def _record(self) -> None:
        with self.server.state.lock:
            self.server.state.hits.append(Hit(f"{self.command} {self.path}", self.headers.get("Host", ""),
                                              time.monotonic()))
        body = b"recorded"
        self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_CONNECT = _record  # noqa: N815


def start(server: Server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


class Server6(Server):
    address_family = socket.AF_INET6


# Where the fault site's /go/NAME redirects lead (none may be requested), and the reason each is refused.
GO_TARGETS: dict[str, Callable[[SiteState], str]] = {
    "loopback-other-port": lambda s: f"{s.recorder}/redirected",
    "localhost-other-port": lambda s: f"http://localhost:{s.recorder.rsplit(':', 1)[1]}/redirected",
    "decimal-ip": lambda s: f"http://2130706433:{s.recorder.rsplit(':', 1)[1]}/redirected",
    "hex-ip": lambda s: f"http://0x7f.1:{s.recorder.rsplit(':', 1)[1]}/redirected",
    "v4-mapped-v6": lambda s: f"http://[::ffff:127.0.0.1]:{s.recorder.rsplit(':', 1)[1]}/redirected",
    "ipv6-loopback": lambda s: f"{s.recorder6 or 'http://[::1]:9'}/redirected",
    "metadata": lambda s: "http://169.254.169.254/latest/meta-data/",
    "private-10": lambda s: "http://10.0.0.1/admin",
    "multicast": lambda s: "http://224.0.0.1/",
    "file": lambda s: f"file://{s.marker_file}",
    "ftp": lambda s: f"ftp://127.0.0.1:{s.recorder.rsplit(':', 1)[1]}/",
    "meta-refresh-private": lambda s: f"{s.recorder}/meta-refreshed",
}
GO_REASONS = {name: ("scheme_refused" if name in ("file", "ftp") else "ssrf_refused") for name in GO_TARGETS}

# Paths that fail this many times before they answer.
HEALING = {"/2026/11/20/recovers-after-503/": 2, "/2026/11/20/recovers-after-429/": 1,
           "/2026/11/20/recovers-after-reset/": 1}
