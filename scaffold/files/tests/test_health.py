from urllib.error import HTTPError

from tests.support import ServerTestCase


class HealthTest(ServerTestCase):
    def test_health_is_ok(self):
        self.assertEqual(self.get("/health"), (200, {"status": "ok"}))

    def test_an_unknown_path_is_a_problem(self):
        with self.assertRaises(HTTPError) as caught:
            self.get("/nope")
        self.assertEqual(caught.exception.code, 404)
        self.assertEqual(
            caught.exception.headers["Content-Type"], "application/problem+json"
        )
