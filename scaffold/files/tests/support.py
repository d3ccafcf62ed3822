"""A server on a free port for the duration of a test class."""

import json
import threading
import unittest
from http.server import ThreadingHTTPServer
from urllib.request import urlopen

from app.server import Handler


class ServerTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.server.server_port}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def get(self, path):
        with urlopen(self.base + path, timeout=5) as response:
            return response.status, json.load(response)
