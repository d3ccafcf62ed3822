"""gunicorn's own answers, as problem details, and its request line limit.

gunicorn answers some requests itself, before the app sees them: a request line
or headers it cannot read, or that are over its limits (gunicorn.conf.py). Its
workers write those answers as HTML; these workers write the same statuses as
application/problem+json, like every answer of the app. gunicorn.conf.py names
the worker class.

They also let gunicorn read the request lines the contract serves (8192 bytes):
gunicorn cuts `limit_request_line` to 8190, and past that offers only 0, which
reads a request line of any length into memory.
"""

import socket

from gunicorn import util
from gunicorn.http import errors, message
from gunicorn.http.message import Request
from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker
from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker

from .errors import PROBLEM_JSON, detail, problem, title
from .request_checks import REQUEST_LINE_MAX

# What gunicorn refuses, and the status of each (any other ParseException: 400).
STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (errors.LimitRequestLine, 414),
    (errors.LimitRequestHeaders, 431),
    (errors.UnsupportedTransferCoding, 501),
    (errors.ExpectationFailed, 417),
    (errors.ForbiddenProxyRequest, 403),
)
# Characters of a method name (RFC 9110's token): a well-formed method gunicorn
# refuses (lowercase, too long) is one this API does not implement.
TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


def client_status(error: Exception) -> int | None:
    """The 4xx/5xx status for a request gunicorn refused, or None for a fault."""
    if isinstance(
        error, errors.InvalidResponseHeader | errors.InvalidResponseHeaderName
    ):
        return None  # the app sent a bad header: its fault, not the client's
    if isinstance(error, errors.ConfigurationProblem):
        return None
    if isinstance(error, errors.InvalidRequestMethod):
        method = str(getattr(error, "method", ""))
        return 501 if method and set(method) <= TOKEN_CHARS else 400
    for kind, status in STATUSES:
        if isinstance(error, kind):
            return status
    return 400 if isinstance(error, errors.ParseException) else None


def allow_request_lines_of(length: int) -> None:
    """Raise the ceiling gunicorn cuts `limit_request_line` to (8190) to `length`.

    gunicorn reads it from `gunicorn.http.message` for every request; nothing
    else changes: gunicorn still refuses a line over `limit_request_line`.
    """
    message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, length)


class ProblemAnswers:
    """gunicorn's worker with two changes.

    - `handle_error` writes problem details (gunicorn's writes an HTML page);
    - `init_process`, run in each worker process before it serves, lets gunicorn
      read request lines of REQUEST_LINE_MAX bytes (gunicorn.conf.py sets
      `limit_request_line` to it).
    """

    def init_process(self) -> None:
        allow_request_lines_of(REQUEST_LINE_MAX)
        super().init_process()

    def handle_error(
        self,
        req: Request | None,
        client: socket.socket,
        addr: tuple[str, int] | str | None,
        exc: Exception,
    ) -> None:
        status = client_status(exc)
        if status is None:
            self.log.exception("Error handling request")
            status = 500
        else:
            peer = addr[0] if isinstance(addr, tuple) and addr else addr
            self.log.warning("Invalid request from ip=%s: %s", peer, exc)
        # The path when gunicorn read the request line (with a header fault).
        req = req or getattr(exc, "req", None)
        path = getattr(req, "path", None) or None
        body = problem(status, detail(status), path)
        head = (
            f"HTTP/1.1 {status} {title(status)}\r\n"
            "Connection: close\r\n"
            f"Content-Type: {PROBLEM_JSON}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:
            self.log.debug("Failed to send error message.")


class SyncWorker(ProblemAnswers, GunicornSyncWorker):
    """gunicorn's sync worker: one request at a time per process."""


class ThreadWorker(ProblemAnswers, GunicornThreadWorker):
    """gunicorn's gthread worker: `threads` requests at a time per process."""
