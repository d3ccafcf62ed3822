"""gunicorn's worker, with its own error answers as problems.

gunicorn refuses some requests before the app sees them (a request line or a
header over the limits of gunicorn.conf.py, a malformed request line, a transfer
coding it cannot read) and answers those with an HTML page. This worker keeps
gunicorn's decision, its status and its log lines, and sends the same status as
application/problem+json instead.
"""

from typing import Any

from gunicorn import util
from gunicorn.http import message
from gunicorn.workers.sync import SyncWorker

from .problems import CONTENT_TYPE, problem_body, title_of
from .request_rules import REQUEST_LINE_MAX

# gunicorn caps `limit_request_line` at its MAX_REQUEST_LINE, 8190 bytes; the API
# serves request lines of up to 8192 (request_rules.REQUEST_LINE_MAX), so the cap
# is raised to that. A longer line is still refused by gunicorn, with 414, before
# it reads further.
message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, REQUEST_LINE_MAX)


class ErrorPage:
    """Takes the place of the client's socket while gunicorn writes its page."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, flag: bool) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self.data += data

    def send(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def status(self) -> int:
        """The status of the page's status line ("HTTP/1.1 414 URI Too Long")."""
        parts = self.data.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 500


class ProblemWorker(SyncWorker):
    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        page = ErrorPage()
        super().handle_error(req, page, addr, exc)
        status = page.status()
        path = getattr(req, "path", None)
        body = problem_body(status, None, path or None)
        head = (
            f"HTTP/1.1 {status} {title_of(status)}\r\n"
            "Connection: close\r\n"
            f"Content-Type: {CONTENT_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send error message.")
