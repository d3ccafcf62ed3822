"""HTTP/1.1 over a plain socket, as the suite needs it: every request is written byte for byte
(so a check can send what no well-behaved client would: an unknown method, a bad escape, a
request line of 10 KB, a chunked body), reading and writing are interleaved (a server that
answers 413 before the body is sent is heard, not reset), and every wait is bounded."""

from __future__ import annotations

import json
import select
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable

TIMEOUT = 15.0  # seconds: the longest any one exchange may take
PIECE = 64 * 1024  # bytes written at a time


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; repeated fields joined with ", "
    body: bytes
    error: str | None = None  # set when no HTTP answer came back
    seconds: float = 0.0  # from the first byte sent to the last byte read
    extra: bytes = b""  # bytes after the answer's end (a body on a HEAD answer, …)
    complete: bool = True  # False when the answer's body was cut short

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def describe(self) -> str:
        if self.error:
            return self.error
        text = self.body.decode("utf-8", "replace")
        if len(text) > 300:
            text = text[:300] + f"… ({len(self.body)} bytes)"
        parts = [str(self.status)]
        if self.content_type:
            parts.append(self.content_type)
        for name in ("location", "allow", "www-authenticate", "retry-after"):
            if name in self.headers:
                parts.append(f"{name.title()}: {self.headers[name]}")
        parts.append(repr(text) if text else "empty body")
        if self.extra:
            parts.append(f"then {len(self.extra)} more bytes")
        return ", ".join(parts)


def no_answer(reason: str, seconds: float = 0.0) -> Answer:
    return Answer(0, {}, b"", error=f"no answer: {reason}", seconds=seconds)


@dataclass
class Client:
    """Where the app listens, and what every request carries unless told otherwise."""

    base_url: str
    token: str | None = None  # sent as `Authorization: Bearer …`
    source: str | None = None  # local address to connect from (a loopback alias)
    scheme: str = field(init=False)
    host: str = field(init=False)
    port: int = field(init=False)
    prefix: str = field(init=False)

    def __post_init__(self) -> None:
        url = urllib.parse.urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL: {self.base_url}")
        self.scheme, self.host = url.scheme, url.hostname
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.prefix = url.path.rstrip("/")

    def with_token(self, token: str | None) -> Client:
        return Client(self.base_url, token, self.source)

    def anonymous(self) -> Client:
        return self.with_token(None)

    def from_address(self, source: str | None) -> Client:
        return Client(self.base_url, self.token, source)

    @property
    def authority(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    def head_bytes(self, method: str, target: str, headers: dict[str, str | None] | None = None,
                   length: int | None = None) -> bytes:
        """The request line and header block; `headers` values of None leave a default out."""
        fields: dict[str, str | None] = {"Host": self.authority, "Connection": "close"}
        if self.token:
            fields["Authorization"] = f"Bearer {self.token}"
        if length is not None:
            fields["Content-Length"] = str(length)
        for name, value in (headers or {}).items():
            fields = {k: v for k, v in fields.items() if k.lower() != name.lower()}
            fields[name] = value
        lines = [f"{method} {self.prefix}{target} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in fields.items() if v is not None]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        head = self.head_bytes(method, path, headers, None if body is None else len(body))
        return self.exchange(head + (body or b""), head_request=method == "HEAD")

    def send_json(self, method: str, path: str, value: Any, headers: dict | None = None) -> Answer:
        return self.request(method, path, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})})

    def exchange(self, data: bytes | Iterable[bytes], *, head_request: bool = False, timeout: float = TIMEOUT,
                 until_closed: bool = False) -> Answer:
        """Writes `data` (bytes, or pieces written as the socket takes them) while reading the
        answer; stops when the answer is complete, the server closes, or `timeout` passes.
        `until_closed` (always on for HEAD) keeps reading after a complete answer until the
        server closes (at most 2 seconds more), so bytes a server sends beyond it land in
        `extra`."""
        until_closed = until_closed or head_request
        started = time.monotonic()
        deadline = started + timeout
        pieces = iter([data] if isinstance(data, (bytes, bytearray)) else data)
        pending = b""
        sending = True
        received = bytearray()
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout,
                                            source_address=(self.source, 0) if self.source else None)
        except OSError as e:
            return no_answer(f"cannot connect: {e}", time.monotonic() - started)
        try:
            if self.scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
            sock.setblocking(False)
            closed = False
            linger_until = None
            while True:
                now = time.monotonic()
                if now >= deadline or (linger_until is not None and now >= linger_until):
                    break
                if sending and not pending:
                    try:
                        pending = bytes(next(pieces))
                    except StopIteration:
                        sending = False
                wants_write = [sock] if sending and pending else []
                wait = min(deadline, linger_until or deadline) - now
                readable, writable, _ = select.select([sock], wants_write, [], max(wait, 0))
                if readable or (isinstance(sock, ssl.SSLSocket) and sock.pending()):
                    try:
                        chunk = sock.recv(PIECE)
                    except (ssl.SSLWantReadError, BlockingIOError):
                        chunk = None
                    except OSError:
                        # Reset after an answer (a server closing with our body unread): keep
                        # what came; before any answer it is a failure below.
                        break
                    if chunk == b"":
                        closed = True
                        break
                    if chunk:
                        received += chunk
                        parsed = parse_answer(bytes(received), head_request)
                        if parsed is not None and parsed.complete:
                            sending = False
                            if not until_closed:
                                break
                            linger_until = linger_until or time.monotonic() + 2.0
                if writable and pending:
                    try:
                        sent = sock.send(pending[:PIECE])
                        pending = pending[sent:]
                    except (BlockingIOError, ssl.SSLWantWriteError):
                        pass
                    except OSError:
                        # The server stopped reading (it answered early, or closed): read on.
                        sending, pending = False, b""
        finally:
            sock.close()
        seconds = time.monotonic() - started
        if not received:
            why = "the server closed the connection" if closed else (
                f"nothing within {timeout:g} s" if time.monotonic() >= deadline else "the connection was reset")
            return no_answer(why, seconds)
        parsed = parse_answer(bytes(received), head_request)
        if parsed is None:
            return no_answer(f"not an HTTP answer: {bytes(received[:80])!r}", seconds)
        parsed.seconds = seconds
        if not parsed.complete:
            if closed and "content-length" not in parsed.headers and "transfer-encoding" not in parsed.headers:
                parsed.complete = True  # a body delimited by the end of the connection
            else:
                parsed.error = f"status {parsed.status}, but its body was cut short after {seconds:.1f} s"
        return parsed


def parse_answer(data: bytes, head_request: bool) -> Answer | None:
    """The first final answer in `data`, or None while its header block is incomplete. Interim
    (1xx) answers are skipped."""
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = data[:end].decode("latin-1").split("\r\n")
        rest = data[end + 4 :]
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            return Answer(0, {}, b"", error=f"not an HTTP status line: {lines[0][:80]!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if 100 <= status < 200:
            data = rest
            continue
        if head_request or status in (204, 304):
            return Answer(status, headers, b"", extra=rest)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, extra, complete = dechunk(rest)
            return Answer(status, headers, body, extra=extra, complete=complete)
        if "content-length" in headers and headers["content-length"].isdigit():
            length = int(headers["content-length"])
            return Answer(status, headers, rest[:length], extra=rest[length:], complete=len(rest) >= length)
        return Answer(status, headers, rest, complete=False)  # until the server closes


def dechunk(data: bytes) -> tuple[bytes, bytes, bool]:
    body = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return bytes(body), b"", False
        size_text = data[pos:eol].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(body), data[pos:], True
        pos = eol + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", pos - 2)
            if trailer_end < 0:
                return bytes(body), b"", False
            return bytes(body), data[trailer_end + 4 :], True
        if len(data) < pos + size + 2:
            return bytes(body) + data[pos : pos + size], b"", False
        body += data[pos : pos + size]
        pos += size + 2
