"""A small W3C WebDriver client (Python standard library only) for the browser test."""

import base64
import json
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
TAB = "\ue004"
ENTER = "\ue007"


class WebDriverError(Exception):
    pass


class Session:
    def __init__(self, driver_url, capabilities):
        self.driver_url = driver_url.rstrip("/")
        value = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.id = value["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.driver_url + path, data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            detail = json.load(error).get("value", {})
            raise WebDriverError(f"{method} {path}: {detail.get('error')}: {detail.get('message', '')[:300]}") from None

    def call(self, method, path, body=None):
        return self._call(method, f"/session/{self.id}{path}", body)

    def get(self, url):
        self.call("POST", "/url", {"url": url})

    def script(self, source, *args):
        """Run `source` (a function body) with `args`; returns its JSON result."""
        return self.call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def script_async(self, source, *args):
        """Run `source` (a function body) that ends by calling `arguments[arguments.length - 1]`
        with its result; returns that result."""
        return self.call("POST", "/execute/async", {"script": source, "args": list(args)})

    def find(self, css):
        return Element(self, self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        found = self.call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT]) for e in found]

    def wait(self, what, check, timeout=20.0):
        """Poll `check()` until it returns something truthy."""
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            try:
                last = check()
                if last:
                    return last
            except WebDriverError as error:
                last = error
            time.sleep(0.1)
        raise WebDriverError(f"timed out waiting for {what} (last: {last!r})")

    def keys(self, *keys):
        """Press and release each key in turn (WebDriver key codes such as TAB and ENTER above)."""
        actions = []
        for key in keys:
            actions += [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        self.call("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})

    def window_size(self, width, height):
        self.call("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self, path):
        with open(path, "wb") as out:
            out.write(base64.b64decode(self.call("GET", "/screenshot")))

    def quit(self):
        try:
            self.call("DELETE", "")
        except (WebDriverError, OSError):
            pass


class Element:
    def __init__(self, session, id):
        self.session = session
        self.id = id

    def click(self):
        self.session.call("POST", f"/element/{self.id}/click", {})

    def send_keys(self, text):
        self.session.call("POST", f"/element/{self.id}/value", {"text": text})

    def clear(self):
        self.session.call("POST", f"/element/{self.id}/clear", {})

    def prop(self, name):
        return self.session.call("GET", f"/element/{self.id}/property/{name}")

    def displayed(self):
        return self.session.call("GET", f"/element/{self.id}/displayed")

    def text(self):
        return self.session.call("GET", f"/element/{self.id}/text")
