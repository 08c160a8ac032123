"""A real HTTP server on 127.0.0.1 for the watch and alert tests (no mocks): routes serve
fixed responses, every request is counted, POST bodies are kept."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True          # send Content-Length (else the body ends with the connection)


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    hits: Counter[str] = field(default_factory=Counter)
    posts: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    agents: set[str] = field(default_factory=set)


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Server]:
    state: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: object) -> None:   # quiet
            pass

        def _route(self) -> None:
            server = state["s"]
            server.hits[self.path] += 1
            server.agents.add(self.headers.get("User-Agent", ""))
            route = server.routes.get(self.path, Route(404, b"not found"))
            self.send_response(route.status)
            for k, v in route.headers.items():
                self.send_header(k, v)
            if route.length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            # the client may give up (a size cap): expected
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._route()

        def do_POST(self) -> None:  # noqa: N802
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            state["s"].posts.append((self.path, dict(self.headers), body))
            self._route()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state["s"] = Server(f"http://127.0.0.1:{httpd.server_address[1]}", routes)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["s"]
    finally:
        httpd.shutdown()
        httpd.server_close()
