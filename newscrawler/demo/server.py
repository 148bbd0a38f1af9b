"""Serve the static demo site on loopback, as a context manager or from the command line.

    with DemoServer() as srv:            # the packaged site, on 127.0.0.1 and a free port
        crawl(srv.base_url + "/")
        srv.requests                     # [(method, path, status), ...] as served

``__BASE_URL__`` in HTML, XML and text bodies is replaced by the server's base URL at
serve time. Responses carry Content-Type, Content-Length, Last-Modified and ETag, and
conditional requests (If-None-Match, If-Modified-Since) get 304. Unknown paths get the
site's 404 page; a directory without its trailing slash redirects (301) to it; an
extensionless path is served from ``<path>.html``. Nothing is logged.

    python -m newscrawler.demo.server [--port N] [--root DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

SITE_DIR = Path(__file__).resolve().parent / "site"
PLACEHOLDER = b"__BASE_URL__"
_TEXT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".xml": "application/xml"}
_XML_BY_NAME = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}
_BINARY_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".ico": "image/x-icon"}


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xml" and path.name in _XML_BY_NAME:
        return _XML_BY_NAME[path.name]
    return _TEXT_TYPES.get(suffix) or _BINARY_TYPES.get(suffix, "application/octet-stream")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # comfortably above 32 concurrent connections
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        super().__init__(address, _Handler)
        self.root = root.resolve()
        self.base_url = f"http://{self.server_address[0]}:{self.server_address[1]}"
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[float, bytes, str, str]] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        """Silent: clients that hang up mid-response are normal for a crawler's test server."""

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))

    def resolve(self, path: str) -> tuple[str, Path | None]:
        """("file", file) | ("redirect", None) | ("missing", None) for a decoded URL path."""
        parts = [p for p in path.split("/") if p]
        if not path.startswith("/") or "\x00" in path or any(p in (".", "..") or "\\" in p for p in parts):
            return "missing", None
        base = self.root.joinpath(*parts)
        if path.endswith("/"):
            index = base / "index.html"
            return ("file", index) if index.is_file() else ("missing", None)
        if base.is_file():
            return "file", base
        if base.is_dir() and (base / "index.html").is_file():
            return "redirect", None
        if parts and (html := base.with_name(base.name + ".html")).is_file():
            return "file", html
        return "missing", None

    def load(self, file: Path) -> tuple[float, bytes, str, str]:
        """(mtime, body with the base URL filled in, content type, ETag), cached per file version."""
        mtime = file.stat().st_mtime
        with self._lock:
            cached = self._cache.get(file)
        if cached and cached[0] == mtime:
            return cached
        ctype = content_type(file)
        data = file.read_bytes()
        if not ctype.startswith("image/") and ctype != "application/octet-stream":
            data = data.replace(PLACEHOLDER, self.base_url.encode())
        entry = (mtime, data, ctype, '"' + hashlib.sha1(data).hexdigest()[:20] + '"')
        with self._lock:
            self._cache[file] = entry
        return entry


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "HarborHerald/1.0"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are closed

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        self._send(405, b"Method Not Allowed\n", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"}, True)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    def _serve(self, with_body: bool) -> None:
        split = urlsplit(self.path)
        kind, file = self.server.resolve(unquote(split.path))
        if kind == "redirect":
            location = self.server.base_url + split.path + "/" + (f"?{split.query}" if split.query else "")
            self._send(301, b"Moved Permanently\n", "text/plain; charset=utf-8", {"Location": location}, with_body)
            return
        if file is None:
            page = self.server.root / "404.html"
            body = self.server.load(page)[1] if page.is_file() else b"<h1>Not found</h1>\n"
            self._send(404, body, "text/html; charset=utf-8", {}, with_body)
            return
        mtime, body, ctype, etag = self.server.load(file)
        headers = {"Last-Modified": formatdate(int(mtime), usegmt=True), "ETag": etag}
        if self._not_modified(etag, int(mtime)):
            self._send(304, b"", None, headers, False)
            return
        self._send(200, body, ctype, headers, with_body)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # it takes precedence over If-Modified-Since
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        return since is not None and mtime <= since.timestamp()

    def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str], with_body: bool) -> None:
        self.server.record(self.command, self.path, status)
        try:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if with_body and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class DemoServer:
    """The demo site served from ``root`` (default: the packaged site) on ``host:port`` (0: any free port)."""

    def __init__(self, root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root) if root is not None else SITE_DIR
        self.host, self.port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return self._httpd.base_url

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """Every request served so far as (method, path with query, status), in order."""
        return self._httpd.requests if self._httpd is not None else []

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> DemoServer:
        if not (self.root / "index.html").is_file():
            raise FileNotFoundError(f"no demo site at {self.root} (run: python -m newscrawler.demo.build)")
        self._httpd = _HTTPServer((self.host, self.port), self.root)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the demo news site on 127.0.0.1 until Ctrl-C.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--root", type=Path, default=None, help="site directory (default: the packaged site)")
    args = parser.parse_args(argv)
    try:
        server = DemoServer(args.root, port=args.port).start()
    except (OSError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(server.base_url, flush=True)
    print(f"Serving {server.root} at {server.base_url}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
