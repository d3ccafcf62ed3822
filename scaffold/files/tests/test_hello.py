from tests.support import ServerTestCase


class HelloTest(ServerTestCase):
    def test_hello(self):
        self.assertEqual(self.get("/hello"), (200, {"message": "hello"}))
