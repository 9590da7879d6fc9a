"""What stands before the routes: the Host check, an optional API token, request-size, body-time
and concurrency limits, and the (opt-in) query log. A plain ASGI middleware, so it sees every
request first.

- host: with ``allowed_hosts``, a request whose Host header names another host gets 400 (a page
  on another site that rebinds its name to this address — DNS rebinding — cannot read the API).
  A request without a Host header (HTTP/1.0 probes) passes: browsers always send one.
- token: when set, every path but /health and the page's static shell (/, /static/*, /docs,
  /openapi.json — no report data in them) needs ``Authorization: Bearer <token>``; compared
  in constant time. 401 otherwise. /health answers anyone, but only with a status word
  unless the token is given (see ``access``).
- body: at most ``max_body_bytes`` (413, checked on Content-Length and on the bytes actually
  received), all of it within ``body_timeout`` seconds (408 and the connection closed) — a
  client trickling its body holds no slot and no thread.
- concurrency: at most ``max_in_flight`` requests at once, counted from when their body has
  been read; 429 with Retry-After beyond. /health is never counted nor refused.
- query log: off by default (reports and questions can be sensitive); with a path, one JSON
  line per accepted (200) /search, /ask, /similar: time, path, status, milliseconds and the
  request with every text cut to ``LOGGED_CHARS``; the file is created 0600 and rotated by
  size; writing it never fails a request.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import logging.handlers
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

TOKEN_ENV = "BAOCAO_API_TOKEN"
OPEN_PATHS = ("/health", "/", "/docs", "/redoc", "/openapi.json", "/favicon.ico")
OPEN_PREFIXES = ("/static/", "/static-offline-docs/")
UNLIMITED_PATHS = ("/health",)  # never counted against max_in_flight, never 429
LOGGED_PATHS = ("/search", "/ask", "/similar")
LOGGED_CHARS = 500  # each text in a query-log line is cut to this many characters
LOGGED_ITEMS = 20  # and each list to this many items
ANY_HOST = "*"

# What the guard found about the caller, for routes that show more to some (/health):
ACCESS = "baocao.access"  # scope key
TOKEN_GIVEN = "token"  # a token is configured and the request carries it
OPEN_SERVER = "open"  # no token configured
ANONYMOUS = "anonymous"  # a token is configured and the request does not carry it


@dataclass(frozen=True)
class GuardSettings:
    token: str | None = None
    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 64
    body_timeout: float = 5.0
    query_log: Path | None = None
    query_log_max_bytes: int = 10 * 1024 * 1024
    query_log_backups: int = 5
    allowed_hosts: tuple[str, ...] = ()  # () : any host; "*" too; else "name" or "name:port"

    def __post_init__(self) -> None:
        if self.token is not None:
            check_token(self.token, "token")
        object.__setattr__(self, "allowed_hosts", tuple(self.allowed_hosts))


def check_token(token: str, source: str) -> str:
    """``token`` if a header can carry it; else ValueError naming ``source``. A header is read as
    latin-1 bytes, so a token with other characters could never match."""
    for at, char in enumerate(token):
        if not "!" <= char <= "~":
            what = "a space" if char.isspace() else f"U+{ord(char):04X}"
            raise ValueError(
                f"{source}: only printable ASCII characters without spaces can be sent in an "
                f"Authorization header; the token has {what} at position {at + 1}"
            )
    if not token:
        raise ValueError(f"{source}: the token is empty")
    return token


def default_hosts(bind: str, port: int) -> tuple[str, ...]:
    """The names a server bound to ``bind``:``port`` is reached by on this machine."""
    bind = f"[{bind}]" if ":" in bind and not bind.startswith("[") else bind
    names = dict.fromkeys((bind, "localhost", "127.0.0.1", "[::1]"))
    return tuple(f"{name}:{port}" for name in names)


class Guard:
    def __init__(self, app: ASGIApp, settings: GuardSettings) -> None:
        self.app = app
        self.settings = settings
        self.in_flight = 0  # one event loop: no lock needed
        self._hosts = _parse_hosts(settings.allowed_hosts)
        self._log = QueryLog(settings.query_log, settings) if settings.query_log else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        host = _header(scope, b"host")
        if self._hosts is not None and host is not None and not _host_allowed(host, self._hosts):
            shown = host if len(host) <= 80 else host[:77] + "..."
            await _refuse(send, 400, f"the Host header {shown!r} is not a name this server is "
                          f"served as (accepted: {', '.join(self.settings.allowed_hosts)}); to "
                          "serve it under another name, start it with --allowed-host NAME",
                          close=True)  # fmt: skip
            return
        if not self.settings.token:
            access = OPEN_SERVER
        else:
            access = TOKEN_GIVEN if self._authorised(scope) else ANONYMOUS
        if access == ANONYMOUS and not _is_open(path):
            detail = "a valid API token is required: send 'Authorization: Bearer <token>'"
            await _refuse(send, 401, detail, {"www-authenticate": "Bearer"}, close=True)
            return
        scope[ACCESS] = access
        body = await self._body(scope, receive, send)
        if body is None:
            return
        if path in UNLIMITED_PATHS:
            await self._run(scope, receive, send, body, path)
            return
        if self.in_flight >= self.settings.max_in_flight:
            await _refuse(send, 429, f"busy: at most {self.settings.max_in_flight} requests at "
                          "a time; retry in a second", {"retry-after": "1"})  # fmt: skip
            return
        self.in_flight += 1
        try:
            await self._run(scope, receive, send, body, path)
        finally:
            self.in_flight -= 1

    async def _body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole request body, or None when it was refused (413, 408) or the client left."""
        limit, seconds = self.settings.max_body_bytes, self.settings.body_timeout
        too_large = f"the request body is over {limit} bytes"
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, 413, too_large, close=True)
            return None
        deadline = time.monotonic() + seconds
        body, more = b"", True
        while more:
            try:
                message = await asyncio.wait_for(receive(), deadline - time.monotonic())
            except TimeoutError:
                await _refuse(send, 408, f"the request body did not arrive within {seconds:g} s; "
                              f"send it at once (at most {limit} bytes)", close=True)  # fmt: skip
                return None
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _refuse(send, 413, too_large, close=True)
                return None
        return body

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, body: bytes, path: str
    ) -> None:
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

        await self.app(scope, replay, watch)
        if self._log is not None and path in LOGGED_PATHS and status[0] == 200:
            self._log.write(path, status[0], time.perf_counter() - started, body)

    def _authorised(self, scope: Scope) -> bool:
        given = _header(scope, b"authorization") or ""
        scheme, _, token = given.partition(" ")
        expected = self.settings.token or ""
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode("latin-1"), expected.encode("latin-1")
        )


class QueryLog:
    """Accepted queries as JSON lines in a file only its owner can read, rotated by size."""

    def __init__(self, path: Path, settings: GuardSettings) -> None:
        self.handler = _PrivateRotatingFile(
            path, maxBytes=settings.query_log_max_bytes, backupCount=settings.query_log_backups,
            encoding="utf-8", errors="backslashreplace",
        )  # fmt: skip
        self.handler.setFormatter(logging.Formatter("%(message)s"))
        try:
            if path.stat().st_mode & 0o077:  # made by someone else, or an older version
                path.chmod(0o600)
        except OSError as error:
            logger.warning("query log %s: could not make it private: %s", path, error)

    def write(self, path: str, status: int, seconds: float, body: bytes) -> None:
        try:
            request = _clipped(json.loads(body))
            line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "path": path, "status": status,
                    "ms": round(seconds * 1000, 1), "request": request}  # fmt: skip
            record = logging.makeLogRecord({"msg": json.dumps(line, ensure_ascii=False)})
            self.handler.handle(record)  # an error is reported by the handler, never raised
        except Exception as error:  # never fail a request that was answered already
            logger.warning("query log: line not written: %s", type(error).__name__)


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are created 0600 (the first and every rotated-in one)."""

    def _open(self):  # noqa: ANN202 (logging's own signature)
        return open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                    opener=lambda name, flags: os.open(name, flags, 0o600))  # fmt: skip


def _clipped(value: Any) -> Any:
    """``value`` with every text cut to LOGGED_CHARS characters and every list to LOGGED_ITEMS."""
    if isinstance(value, str):
        return value if len(value) <= LOGGED_CHARS else value[:LOGGED_CHARS] + "…"
    if isinstance(value, list):
        return [_clipped(item) for item in value[:LOGGED_ITEMS]]
    if isinstance(value, dict):
        return {_clipped(str(k)): _clipped(v) for k, v in list(value.items())[:LOGGED_ITEMS]}
    return value


def _parse_hosts(allowed: Iterable[str]) -> set[tuple[str, str | None]] | None:
    """{(name, port or None for any port)}; None: every host is accepted."""
    allowed = tuple(allowed)
    if not allowed or ANY_HOST in allowed:
        return None
    return {_split_host(entry.strip().lower()) for entry in allowed}


def _split_host(host: str) -> tuple[str, str | None]:
    if host.startswith("["):  # [::1]:8000
        name, _, rest = host.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") and rest[1:].isdigit() else None
    name, colon, port = host.rpartition(":")
    return (name, port) if colon and port.isdigit() else (host, None)


def _host_allowed(header: str, allowed: set[tuple[str, str | None]]) -> bool:
    name, port = _split_host(header.strip().lower())
    return (name, None) in allowed or (name, port or "80") in allowed


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _refuse(
    send: Send, status: int, detail: str, headers: dict | None = None, close: bool = False
) -> None:
    """A JSON error; ``close``: and the connection closed after it (the body may be unread)."""
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
