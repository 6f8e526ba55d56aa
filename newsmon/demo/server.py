"""`LocalSite`: a small static HTTP server on 127.0.0.1 for the demo, the tests and the benchmarks.

It serves a directory the way a plain news site's web server does: ETag and Last-Modified
with conditional GET (304), 404 for missing files, a guessed Content-Type (HTML without a
charset unless told otherwise, as many Chinese sites send it). A `_headers.json` in the
root maps a path to extra response headers (e.g. a charset only in the HTTP header).
`delays` make matching paths answer late (timeouts), `routes` answer fixed responses,
`sequences` answer a path's responses in turn (the last one repeats: 503 then 200),
`drips` send a body a few bytes at a time without end (a server that never finishes),
`generate` answers paths no file or route has (a site too big to write), and a
thread-safe request log lets a test check what a crawler asked for.

Nothing in here knows about the demo site.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

HEADERS_FILE = "_headers.json"
Route = tuple[int, dict[str, str], bytes]
Generator = Callable[[str, str], "Route | None"]  # (path, query) -> answer, or None: a 404

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
# The root element decides an XML file's type: a feed or a sitemap look alike by extension.
_XML_ROOTS = [
    (re.compile(rb"<rss[\s>]"), "application/rss+xml"),
    (re.compile(rb"<feed[\s>]"), "application/atom+xml"),
    (re.compile(rb"<rdf:RDF[\s>]"), "application/rdf+xml"),
]


def guess_content_type(path: Path, head: bytes) -> str:
    """The Content-Type for a file, from its suffix and, for XML, its root element."""
    suffix = path.suffix.lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    if suffix in (".xml", ".rss", ".atom"):
        for pattern, media_type in _XML_ROOTS:
            if pattern.search(head):
                return media_type
        return "application/xml"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a delayed response must not hold up stop()
    # the default backlog of 5 resets connections when several crawlers connect at once
    request_queue_size = 256
    site: LocalSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        # clients that hang up (a crawler's timeout) are normal here, not worth a traceback
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server; every answer has a length
    server: _Server
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the request log (LocalSite.requests) is what tests look at

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        site = self.server.site
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        drip = site.drip_for(path)
        if drip is not None:
            site.record(RequestRecord(self.command, path, parts.query, dict(self.headers.items()), 200))
            self._drip(*drip)
            return
        status, headers, body = site.respond(path, {k.lower(): v for k, v in self.headers.items()},
                                             parts.query)
        # logged on arrival: a client that gives up on a slow answer still asked for it
        site.record(RequestRecord(self.command, path, parts.query, dict(self.headers.items()),
                                  status))
        site.wait_for(path)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body and status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drip(self, content_type: str, interval: float) -> None:
        """A body that never ends: a little text every `interval` seconds until the client leaves."""
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"<html><body>")
            while self.server.site.running:
                self.wfile.write(b"<p>still loading</p>\n")
                self.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass


class LocalSite:
    """Serve `root` on http://127.0.0.1:PORT in a background thread (port 0: any free port)."""

    def __init__(self, root: Path | str, *, port: int = 0,
                 delays: dict[str, float] | None = None,
                 routes: dict[str, Route] | None = None,
                 sequences: dict[str, list[Route]] | None = None,
                 drips: dict[str, float] | None = None,
                 generate: Generator | None = None) -> None:
        self.root = Path(root).resolve()
        self.port = port
        self.delays = [(re.compile(pattern), seconds) for pattern, seconds in (delays or {}).items()]
        self.routes = dict(routes or {})
        self.sequences = {path: list(answers) for path, answers in (sequences or {}).items()}
        self.drips = dict(drips or {})
        self.generate = generate
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._headers: dict[str, dict[str, str]] = {}
        self._headers_mtime: float | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalSite:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.site = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"LocalSite:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalSite is not running; call start() first")
        return f"http://127.0.0.1:{self.port}"

    # request log -----------------------------------------------------------------------
    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._log.append(entry)

    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def requests_for(self, path: str) -> list[RequestRecord]:
        return [r for r in self.requests() if r.path == path]

    def request_counts(self) -> dict[str, int]:
        """GET requests per path (query strings ignored)."""
        return dict(Counter(r.path for r in self.requests() if r.method == "GET"))

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # answers ---------------------------------------------------------------------------
    def wait_for(self, path: str) -> None:
        for pattern, seconds in self.delays:
            if pattern.search(path):
                time.sleep(seconds)
                return

    def drip_for(self, path: str) -> tuple[str, float] | None:
        interval = self.drips.get(path)
        return None if interval is None else ("text/html; charset=utf-8", interval)

    def respond(self, path: str, request_headers: dict[str, str], query: str = "") -> Route:
        """Status, headers and body for a GET of `path` (request header names lower-case)."""
        if path in self.routes:
            status, headers, body = self.routes[path]
            return status, dict(headers), body
        if path in self.sequences:
            with self._lock:
                answers = self.sequences[path]
                status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
            return status, dict(headers), body
        file = self._file_for(path)
        if file is None and self.generate is not None:
            generated = self.generate(path, query)
            if generated is not None:
                return generated
        if file is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, _NOT_FOUND
        stat = file.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        }
        if _not_modified(request_headers, etag, stat.st_mtime):
            return 304, headers, b""
        body = file.read_bytes()
        headers["Content-Type"] = guess_content_type(file, body[:512])
        headers.update(self._extra_headers(path))
        return 200, headers, body

    def _file_for(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if path.endswith("/") or not relative:
            relative += "index.html"
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or candidate.name == HEADERS_FILE:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _extra_headers(self, path: str) -> dict[str, str]:
        headers_file = self.root / HEADERS_FILE
        try:
            mtime = headers_file.stat().st_mtime
        except FileNotFoundError:
            return {}
        with self._lock:
            if mtime != self._headers_mtime:
                try:
                    self._headers = json.loads(headers_file.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    logger.warning("%s: unreadable, ignored: %s", headers_file, exc)
                    self._headers = {}
                self._headers_mtime = mtime
            return dict(self._headers.get(path, {}))


_NOT_FOUND = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
    "<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode()


def _not_modified(request_headers: dict[str, str], etag: str, mtime: float) -> bool:
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request_headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(mtime) <= since
    return False
