"""The suite's HTTP client reads answers however a server frames them: a length, chunks, the
end of the connection, after interim 1xx answers; and it hears an answer sent before the body."""

from __future__ import annotations

import socket
import threading
import unittest

from contract.http import Client, parse_answer


class ParsesAnswers(unittest.TestCase):
    def test_a_chunked_body_is_joined_and_trailers_skipped(self) -> None:
        raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-T: 1\r\n\r\n"
        ans = parse_answer(raw, head_request=False)
        self.assertEqual((ans.status, ans.body, ans.complete), (200, b'{"a":1}', True))

    def test_an_unfinished_chunked_body_is_incomplete(self) -> None:
        ans = parse_answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n", head_request=False)
        self.assertFalse(ans.complete)

    def test_interim_answers_are_skipped(self) -> None:
        raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"
        ans = parse_answer(raw, head_request=False)
        self.assertEqual((ans.status, ans.body), (201, b"{}"))

    def test_repeated_fields_are_joined_and_names_lower_cased(self) -> None:
        raw = b"HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nallow: POST\r\nContent-Length: 0\r\n\r\n"
        self.assertEqual(parse_answer(raw, head_request=False).headers["allow"], "GET, POST")

    def test_bytes_after_a_head_answer_are_kept_apart(self) -> None:
        ans = parse_answer(b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}", head_request=True)
        self.assertEqual((ans.body, ans.extra), (b"", b'{"status":"ok"}'))

    def test_a_status_line_that_is_not_http_is_an_error(self) -> None:
        self.assertIsNotNone(parse_answer(b"SSH-2.0-OpenSSH\r\n\r\n", head_request=False).error)


class OneShotServer:
    """Accepts one connection, reads `read` bytes, sends `answer`, then closes."""

    def __init__(self, answer: bytes, read: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.answer, self.read = answer, read
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            got = b""
            while len(got) < self.read:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                got += chunk
            conn.sendall(self.answer)
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(2)
            try:
                while conn.recv(65536):
                    pass
            except OSError:
                pass
        self.sock.close()


class Exchanges(unittest.TestCase):
    def test_an_answer_before_the_body_is_heard(self) -> None:
        server = OneShotServer(b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n", read=100)
        client = Client(server.url)
        ans = client.exchange(client.head_bytes("POST", "/items", length=8 * 1024 * 1024) + b"x" * 8 * 1024 * 1024)
        self.assertEqual((ans.error, ans.status), (None, 413))

    def test_a_body_ended_by_the_connection_is_whole(self) -> None:
        server = OneShotServer(b"HTTP/1.1 200 OK\r\n\r\nuntil the end", read=10)
        client = Client(server.url)
        ans = client.exchange(client.head_bytes("GET", "/"))
        self.assertEqual((ans.error, ans.body), (None, b"until the end"))

    def test_silence_is_no_answer_within_the_limit(self) -> None:
        server = OneShotServer(b"", read=10**9)
        client = Client(server.url)
        ans = client.exchange(client.head_bytes("GET", "/"), timeout=0.5)
        self.assertIn("nothing within 0.5 s", ans.error or "")


if __name__ == "__main__":
    unittest.main()
