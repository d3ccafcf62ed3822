"""The development server (`manage.py runserver`) keeping the app's rules.

Django's development server is the standard library's wsgiref server. Left as it
is, its own error answers are HTML pages, it tells the app nothing of the
request target as sent, and it hands a chunked body to the app unread (the app
sees an empty body; the chunks are then read as the next request). This request
handler answers its errors as problems, gives the target as RAW_URI (as
gunicorn does), and reads a chunked body itself, up to the body limit.
"""

import io
import re
from http import HTTPStatus
from typing import Any, BinaryIO

from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from .problems import CONTENT_TYPE, problem_body, title_of

# The longest chunk-size line read (hex digits and extensions).
CHUNK_LINE_MAX = 1024
CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")


class ProblemRequestHandler(WSGIRequestHandler):
    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":  # "GET /path", without a version
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not served")
            return False
        coding = self.headers.get("Transfer-Encoding")
        if coding is None:
            return True
        codings = [part.strip().lower() for part in coding.split(",")]
        if codings[-1] != "chunked" or codings.count("chunked") > 1:
            # The length of the body cannot be known (RFC 9112, section 6.3).
            self.send_error(HTTPStatus.BAD_REQUEST, "Transfer-Encoding without chunked")
            return False
        try:
            body = read_chunked(self.rfile, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, "Malformed chunked body")
            return False
        if body is None:
            self.send_error(413)
            return False
        del self.headers["Transfer-Encoding"]
        del self.headers["Content-Length"]
        self.headers["Content-Length"] = str(len(body))
        # The app reads the body from here; the connection ends with this request.
        self.connection_rfile = self.rfile
        self.rfile = io.BytesIO(body)
        self.close_connection = True
        return True

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["RAW_URI"] = self.path
        return environ

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        """The server's own errors as problems. HTTP/2 and later on this
        HTTP/1.1 server is a bad request (505 elsewhere), as gunicorn says."""
        status = 400 if code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED else int(code)
        # A status line and headers even where the request line was not HTTP/1.x
        # (HTTP/0.9 answers are a bare body).
        self.request_version = self.protocol_version
        self.log_error("code %d, message %s", status, message or title_of(status))
        path = getattr(self, "path", "") or ""
        instance = path.partition("?")[0] if path.startswith("/") else None
        body = problem_body(status, None, instance)
        self.send_response(status, title_of(status))
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def finish(self) -> None:
        super().finish()
        if hasattr(self, "connection_rfile"):
            self.connection_rfile.close()


class DevServer(WSGIServer):
    """Django's development server with ProblemRequestHandler."""

    def __init__(self, address: Any, handler: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(address, ProblemRequestHandler, *args, **kwargs)


def read_chunked(stream: BinaryIO, limit: int) -> bytes | None:
    """A chunked body (RFC 9112, section 7.1), or None when it is over `limit`
    bytes. Raises ValueError when it is malformed."""
    body = bytearray()
    while True:
        line = stream.readline(CHUNK_LINE_MAX + 1)
        if not line.endswith(b"\n") or len(line) > CHUNK_LINE_MAX:
            raise ValueError("chunk size line")
        digits = line.split(b";", 1)[0].strip()
        if not CHUNK_SIZE.fullmatch(digits):
            raise ValueError("chunk size")
        size = int(digits, 16)
        if size == 0:
            break
        if len(body) + size > limit:
            return None
        chunk = stream.read(size)
        if len(chunk) != size or stream.readline(3) not in (b"\r\n", b"\n"):
            raise ValueError("chunk data")
        body += chunk
    # Trailer fields, up to the empty line: read and left out.
    for _ in range(100):
        if stream.readline(CHUNK_LINE_MAX + 1) in (b"\r\n", b"\n", b""):
            return bytes(body)
    raise ValueError("trailer fields")
