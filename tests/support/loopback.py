"""Small HTTP servers on 127.0.0.1 for the tests, the one ``free_port``, and page builders."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler base: ``reply()`` sends a whole response; no per-request log lines."""

    def reply(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": ctype, "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def article_page(path: str, sentence: str) -> bytes:
    """A plain article page for ``path`` (a dated slug): its title from the slug, eight paragraphs of
    ``sentence`` (each numbered), ``og:type=article``."""
    title = path.rstrip("/").rsplit("/", 1)[1].replace("-", " ").capitalize()
    story = "".join(f"<p>Paragraph {i} of {title}: {sentence}</p>" for i in range(8))
    return (f"<html><head><title>{title}</title><meta property='og:type' content='article'></head><body>"
            f"<article><h1>{title}</h1>{story}</article></body></html>").encode()


BROKEN_PAGES: dict[str, tuple[int, str, bytes]] = {
    "/missing": (404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>"),
    "/report.pdf": (200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" * 50),
    "/image": (200, "text/html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
    "/malformed": (200, "text/html; charset=utf-8",
                   b"<html><head><title>Broken</title><body><div><p>Unclosed \x00 <b>tags <i>everywhere"
                   b"<table><tr><td>cell<p>more</div></span></html></html><<<>>>"),
    "/empty": (200, "text/html", b""),
}


class BrokenHandler(QuietHandler):
    """Serves ``BROKEN_PAGES``: 404, PDF, binary as HTML, malformed HTML, empty body."""

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        status, ctype, body = BROKEN_PAGES.get(self.path, (404, "text/plain", b"not found"))
        self.reply(status, body, ctype)
