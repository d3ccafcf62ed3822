"""HTTP/1.1 as the contract's request rules read it: the request line (8,192 bytes at most), the
header block (16,384), methods, percent-encoding, and the body (1 MiB, by length or chunked).
Each decision is a method of `Wire`, so a mutant can break exactly one."""

from __future__ import annotations

import json
import re
import socket
import socketserver
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus

LINE_LIMIT = 8192
HEADERS_LIMIT = 16_384
BODY_LIMIT = 1024 * 1024
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
TITLES = {413: "Content Too Large", 414: "URI Too Long"}
TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass
class Request:
    method: str
    target: str  # as sent
    path: str  # as sent, without the query
    query: list[tuple[str, str]]  # decoded pairs, in order
    headers: dict[str, str]  # lower-case names; repeated ones joined with ", "
    body: bytes = b""
    has_body: bool = False
    peer: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @staticmethod
    def json(status: int, value, media: str = "application/json", headers=()) -> Response:
        return Response(status, json.dumps(value, ensure_ascii=False).encode(), [("Content-Type", media), *headers])


def title_of(status: int) -> str:
    return TITLES.get(status) or HTTPStatus(status).phrase


def problem(status: int, detail: str, instance: str | None, errors: list | None = None, headers=()) -> Response:
    body = {"type": "about:blank", "title": title_of(status), "status": status, "detail": detail}
    if instance is not None:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response.json(status, body, "application/problem+json", headers)


class Refused(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def decode_component(text: str, plus_is_space: bool) -> str:
    """Percent-decodes strictly: a bad escape, an encoded NUL or bytes that are not UTF-8 raise
    ValueError."""
    raw = bytearray()
    i = 0
    data = text.encode("ascii")
    while i < len(data):
        byte = data[i]
        if byte == 0x25:  # %
            pair = data[i + 1 : i + 3]
            if len(pair) != 2 or not all(chr(b) in "0123456789abcdefABCDEF" for b in pair):
                raise ValueError("invalid percent-encoding")
            raw.append(int(pair, 16))
            i += 3
        else:
            raw.append(0x20 if plus_is_space and byte == 0x2B else byte)
            i += 1
    if 0 in raw:
        raise ValueError("an encoded NUL")
    return raw.decode("utf-8")  # UnicodeDecodeError is a ValueError


class Wire:
    """Reads one request per connection and writes one answer (`Connection: close`)."""

    print_faults = False  # a fault's traceback goes to stderr (python3 -m reference sets it)

    def handle(self, request: Request) -> Response:  # the application
        raise NotImplementedError

    # ---- decisions a mutant may change

    def line_limit(self) -> int:
        return LINE_LIMIT

    def headers_limit(self) -> int:
        return HEADERS_LIMIT

    def known_method(self, method: str) -> bool:
        return method in METHODS

    def split_target(self, target: str) -> tuple[str, list[tuple[str, str]]]:
        path, _, query = target.partition("?")
        decode_component(path, plus_is_space=False)
        pairs = []
        for part in query.split("&") if query else []:
            name, _, value = part.partition("=")
            pairs.append((decode_component(name, True), decode_component(value, True)))
        return path, pairs

    def refuse_declared_length(self, length: int) -> bool:
        """True: answer 413 before reading a body of this declared length."""
        return length > BODY_LIMIT

    def chunked_limit(self) -> int:
        return BODY_LIMIT

    # ---- reading

    def read_request(self, reader, peer: str) -> Request:
        line = reader.readline(self.line_limit() + 3)
        if not line:
            raise ConnectionAbortedError
        if not line.endswith(b"\n") or len(line.rstrip(b"\r\n")) > self.line_limit():
            raise Refused(problem(414, f"The request line is longer than {self.line_limit()} bytes.", None))
        try:
            text = line.rstrip(b"\r\n").decode("ascii")
        except UnicodeDecodeError:
            raise Refused(problem(400, "The request line is not ASCII.", None)) from None
        parts = text.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not TOKEN.match(parts[0]):
            raise Refused(problem(400, "The request line is not HTTP/1.1.", None))
        method, target, _ = parts
        headers = self.read_headers(reader)
        if not target.startswith("/"):
            raise Refused(problem(400, "The request target is not a path.", None))
        if not self.known_method(method):
            raise Refused(problem(501, f"{method} is not a method this API implements.", target.partition("?")[0]))
        try:
            path, query = self.split_target(target)
        except ValueError:
            raise Refused(problem(400, "The request target is not valid percent-encoded UTF-8.",
                                  target.partition("?")[0])) from None
        request = Request(method, target, path, query, headers, peer=peer)
        self.read_body(reader, request)
        return request

    def read_headers(self, reader) -> dict[str, str]:
        headers: dict[str, str] = {}
        size = 0
        while True:
            line = reader.readline(self.headers_limit() + 3)
            if line in (b"\r\n", b"\n", b""):
                return headers
            size += len(line)
            if size > self.headers_limit() or not line.endswith(b"\n"):
                raise Refused(problem(431, f"The request headers are over {self.headers_limit()} bytes.", None))
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep or not TOKEN.match(name):
                raise Refused(problem(400, "A header field is malformed.", None))
            key = name.lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value

    def read_body(self, reader, request: Request) -> None:
        path = request.path
        if "chunked" in (request.header("transfer-encoding") or "").lower():
            request.has_body = True
            body = bytearray()
            while True:
                size_line = reader.readline(100)
                try:
                    size = int(size_line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise Refused(problem(400, "The chunked body is malformed.", path)) from None
                if size == 0:
                    while reader.readline(1000) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                if len(body) + size > self.chunked_limit():
                    raise Refused(problem(413, "The body is over 1 MiB.", path))
                body += reader.read(size)
                reader.readline(3)
            request.body = bytes(body)
            return
        length_text = request.header("content-length")
        if length_text is None:
            return
        if not length_text.isdigit():
            raise Refused(problem(400, "Content-Length is not a number.", path))
        length = int(length_text)
        if self.refuse_declared_length(length):
            raise Refused(problem(413, "The body is over 1 MiB.", path))
        request.has_body = length > 0 or request.method in ("POST", "PUT", "PATCH")
        request.body = reader.read(length)

    # ---- one connection

    def serve_connection(self, sock: socket.socket, peer: str) -> None:
        reader = sock.makefile("rb")
        head = False
        try:
            try:
                request = self.read_request(reader, peer)
                head = request.method == "HEAD"
                response = self.handle(request)
            except Refused as refusal:
                response = refusal.response
            except ConnectionAbortedError:
                return
            except Exception:  # a fault of the server: the details go to the log only
                if self.print_faults:
                    traceback.print_exc()
                response = problem(500, "The server failed to answer.", None)
            self.write(sock, response, head)
            linger(sock)
        except OSError:
            pass
        finally:
            reader.close()

    def write(self, sock: socket.socket, response: Response, head: bool) -> None:
        lines = [f"HTTP/1.1 {response.status} {title_of(response.status)}"]
        names = {name.lower() for name, _ in response.headers}
        lines += [f"{name}: {value}" for name, value in response.headers]
        if response.status != 204 and "content-length" not in names:
            lines.append(f"Content-Length: {len(response.body)}")
        lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if not head and response.status != 204:
            data += response.body
        sock.sendall(data)


def linger(sock: socket.socket, seconds: float = 1.0) -> None:
    """Ends the answer, then reads and drops what the client still sends (a body answered before
    it was read), so closing does not reset the connection, which can destroy the answer before
    the client reads it."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.2)
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            if not sock.recv(64 * 1024):
                return
    except OSError:
        return


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.wire.serve_connection(self.request, self.client_address[0])  # type: ignore[attr-defined]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def serve(wire: Wire, host: str = "127.0.0.1", port: int = 0) -> tuple[_Server, str]:
    """Starts serving in a thread; returns the server (`shutdown()` stops it) and its base URL."""
    server = _Server((host, port), _Handler)
    server.wire = wire  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"
