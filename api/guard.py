"""What stands before the routes: an optional API token, request-size and concurrency limits,
and the (opt-in) query log. A plain ASGI middleware, so it sees every request first.

- token: when set, every path but /health and the page's static shell (/, /static/*, /docs,
  /openapi.json — no report data in them) needs ``Authorization: Bearer <token>``; compared
  in constant time. 401 otherwise.
- body: at most ``max_body_bytes``; 413 otherwise (checked on Content-Length and on the bytes
  actually received).
- concurrency: at most ``max_in_flight`` requests at once; 429 with Retry-After beyond.
- query log: off by default (reports and questions can be sensitive); with a path, one JSON
  line per /search, /ask, /similar: time, path, status, milliseconds and the request body.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_ENV = "BAOCAO_API_TOKEN"
OPEN_PATHS = ("/health", "/", "/docs", "/redoc", "/openapi.json", "/favicon.ico")
OPEN_PREFIXES = ("/static/", "/static-offline-docs/")
LOGGED_PATHS = ("/search", "/ask", "/similar")


@dataclass(frozen=True)
class GuardSettings:
    token: str | None = None
    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 64
    query_log: Path | None = None


class Guard:
    def __init__(self, app: ASGIApp, settings: GuardSettings) -> None:
        self.app = app
        self.settings = settings
        self.in_flight = 0  # one event loop: no lock needed
        self._log_lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if self.settings.token and not _is_open(path) and not self._authorised(scope):
            detail = "a valid API token is required: send 'Authorization: Bearer <token>'"
            await _refuse(send, 401, detail, {"www-authenticate": "Bearer"})
            return
        if self.in_flight >= self.settings.max_in_flight:
            await _refuse(send, 429, f"busy: at most {self.settings.max_in_flight} requests at "
                          "a time; retry in a second", {"retry-after": "1"})  # fmt: skip
            return
        self.in_flight += 1
        try:
            await self._limited(scope, receive, send, path)
        finally:
            self.in_flight -= 1

    async def _limited(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        limit = self.settings.max_body_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, 413, f"the request body is over {limit} bytes")
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _refuse(send, 413, f"the request body is over {limit} bytes")
                return
        started, status = time.perf_counter(), [0]

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:  # after the body: wait for the client to go (as ASGI servers do)
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        logged = body if self.settings.query_log and path in LOGGED_PATHS else None
        await self.app(scope, replay, watch)
        if logged is not None:
            self._log(path, status[0], time.perf_counter() - started, logged)

    def _authorised(self, scope: Scope) -> bool:
        given = _header(scope, b"authorization") or ""
        scheme, _, token = given.partition(" ")
        expected = self.settings.token or ""
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), expected.encode()
        )

    def _log(self, path: str, status: int, seconds: float, body: bytes) -> None:
        try:
            request = json.loads(body)
        except ValueError:
            request = body.decode("utf-8", "replace")
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "path": path, "status": status,
                "ms": round(seconds * 1000, 1), "request": request}  # fmt: skip
        with self._log_lock, open(self.settings.query_log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _refuse(send: Send, status: int, detail: str, headers: dict | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
