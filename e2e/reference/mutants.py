"""Mutants of the reference server: each breaks one rule of docs/api-contract.md the way a real
stack did or could, and the conformance suite must fail on it. MUTANTS maps a mutant's name to
(profile, auth, the checks that must fail on it, the class); test_mutants.py runs them."""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
import urllib.parse
from dataclasses import dataclass

from .accounts import Account, Accounts, Outcome, hash_password
from .app import App, ItemsApp, Route, has_surrogate
from .gql_app import GraphQLError, GraphqlApp
from .wire import Refused, Request, Response, problem

REST, GRAPHQL = "rest", "graphql"


@dataclass
class Mutant:
    profile: str
    auth: bool
    catches: tuple[str, ...]  # checks that must fail
    app: type[App]
    token_ttl: int | None = None  # the lifetime it is run with (short: the suite waits it out)


MUTANTS: dict[str, Mutant] = {}


def mutant(profile: str, *catches: str, auth: bool = False, token_ttl: int | None = None):
    def register(cls: type[App]) -> type[App]:
        MUTANTS[cls.__name__] = Mutant(profile, auth, catches, cls, token_ttl)
        return cls

    return register


def build(profile: str, auth: bool, name: str | None = None, token_ttl: int | None = None) -> App:
    app = MUTANTS[name].app(auth) if name else (GraphqlApp if profile == GRAPHQL else ItemsApp)(auth)
    if token_ttl is not None:
        app.accounts.token_ttl = token_ttl
    return app


# ---- the wire: request line, headers, methods, encoding, body sizes


@mutant(REST, "request-line-too-long")
class NoRequestLineLimit(ItemsApp):
    """Serves request lines of any length (Puma and Node's defaults go far beyond 8 KB)."""

    def line_limit(self) -> int:
        return 65_536


@mutant(REST, "request-line-at-limit")
class RequestLineLimit4K(ItemsApp):
    """gunicorn's default: request lines of 4,094 bytes, where the contract serves 8,192."""

    def line_limit(self) -> int:
        return 4094


@mutant(REST, "headers-too-large")
class NoHeaderLimit(ItemsApp):
    def headers_limit(self) -> int:
        return 1024 * 1024


@mutant(REST, "headers-large-served")
class HeaderLimit8K(ItemsApp):
    """Tomcat's default: 8 KB of headers, where the contract serves up to 16 KB."""

    def headers_limit(self) -> int:
        return 8192


@mutant(REST, "method-foo-items", "method-propfind-items-item", "method-trace-health", "method-connect-health",
        "method-foo-no-such-path")
class UnknownMethod405(ItemsApp):
    """Routes every method token, so an unknown one is 405 (or 404), never 501."""

    def known_method(self, method: str) -> bool:
        return True


@mutant(REST, "encoding-bad-escape-path", "encoding-bad-escape-query", "encoding-bad-escape-list", "encoding-nul-item",
        "encoding-nul-health", "encoding-not-utf8-item", "encoding-not-utf8-query", "encoding-truncated-escape")
class LenientPercentDecoding(ItemsApp):
    """Decodes as urllib does: bad escapes kept as they are, bytes that are not UTF-8 replaced."""

    def split_target(self, target: str):
        path, _, query = target.partition("?")
        return path, urllib.parse.parse_qsl(query, keep_blank_values=True)


@mutant(REST, "body-declared-too-large")
class WaitsForDeclaredBody(ItemsApp):
    """Reads the whole declared body before refusing it (Express and Rails did)."""

    def refuse_declared_length(self, length: int) -> bool:
        return False

    def read_body(self, reader, request: Request) -> None:
        super().read_body(reader, request)
        if len(request.body) > 1024 * 1024:
            raise Refused(problem(413, "The body is over 1 MiB.", request.path))


@mutant(REST, "body-chunked-too-large")
class ChunkedUnlimited(ItemsApp):
    """Reads a chunked body of any size, then judges its JSON (Flask did: 400 instead of 413)."""

    def chunked_limit(self) -> int:
        return 64 * 1024 * 1024


@mutant(REST, "create-chunked")
class ChunkedBodyIgnored(ItemsApp):
    """Sees no body without a Content-Length (Django's request.body under a chunked upload)."""

    def read_body(self, reader, request: Request) -> None:
        if "chunked" in (request.header("transfer-encoding") or "").lower():
            request.headers.pop("transfer-encoding")
            while reader.readline(100) not in (b"0\r\n", b""):
                pass
            reader.readline(100)
            return
        super().read_body(reader, request)


@mutant(REST, "body-too-large", "body-declared-too-large")
class PlainText413(ItemsApp):
    """The application server's own 413 (Puma's `Payload Too Large`), not problem+json."""

    def read_body(self, reader, request: Request) -> None:
        try:
            super().read_body(reader, request)
        except Refused as refusal:
            if refusal.response.status != 413:
                raise
            raise Refused(Response(413, b"Payload Too Large", [("Content-Type", "text/plain")])) from None


# ---- routing: paths, OPTIONS, HEAD, 405


@mutant(REST, "unknown-path", "path-trailing-slash-health", "options-unknown-path")
class HtmlNotFound(ItemsApp):
    def not_found(self, request: Request) -> Response:
        return Response(404, b"<html><body><h1>Not Found</h1></body></html>", [("Content-Type", "text/html")])


@mutant(REST, "health-wrong-method", "list-delete", "item-post")
class NoAllowOn405(ItemsApp):
    def not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return problem(405, f"{request.method} is not allowed here.", request.path)


@mutant(REST, "options-health", "options-list", "options-item")
class OptionsNotAllowed(ItemsApp):
    """OPTIONS is a method like any other the route does not have (Express, node and Rails did)."""

    def options(self, allowed: list[str]) -> Response:
        return problem(405, "OPTIONS is not allowed here.", None, headers=[("Allow", ", ".join(allowed))])


@mutant(REST, "options-list")
class OptionsWithBody(ItemsApp):
    def options(self, allowed: list[str]) -> Response:
        return Response.json(200, {"allow": allowed}, headers=[("Allow", ", ".join(allowed))])


@mutant(REST, "path-trailing-slash-list", "path-trailing-slash-item", "path-trailing-slash-health")
class TrailingSlashRedirect(ItemsApp):
    def handle(self, request: Request) -> Response:
        if len(request.path) > 1 and request.path.endswith("/"):
            return Response(308, b"", [("Location", request.path.rstrip("/"))])
        return super().handle(request)


@mutant(REST, "path-case-list", "path-case-item", "path-case-health")
class CaseInsensitivePaths(ItemsApp):
    def route(self, path: str):
        return super().route(path.lower())


@mutant(REST, "head-health", "head-list", "head-item", "head-missing", "head-unknown-path")
class HeadSendsBody(ItemsApp):
    def write(self, sock, response: Response, head: bool) -> None:
        super().write(sock, response, False)


@mutant(REST, "list-repeated-limit", "list-repeated-offset", "list-repeated-limit-same")
class RepeatedParameterLastWins(ItemsApp):
    def page_params(self, request: Request):
        last = {k: v for k, v in request.query}
        request.query = list(last.items())
        return super().page_params(request)


@mutant(REST, "get-with-body")
class GetReadsBody(ItemsApp):
    def page(self, request: Request, account) -> Response:
        if request.body:
            self.read_json(request)
        return super().page(request, account)


# ---- bodies: media types, UTF-8, surrogates, lengths


@mutant(REST, "create-problem-json", "create-merge-patch", "patch-merge-patch")
class AnyJsonMediaType(ItemsApp):
    """Takes every `+json` type as JSON (Flask's is_json, Rails' JSON parser)."""

    def media_type_ok(self, content_type: str | None) -> bool:
        media = (content_type or "").split(";")[0].strip().lower()
        return media == "application/json" or media.endswith("+json")


@mutant(REST, "create-no-content-type", "replace-no-content-type")
class MissingContentTypeAccepted(ItemsApp):
    def media_type_ok(self, content_type: str | None) -> bool:
        return content_type is None or super().media_type_ok(content_type)


@mutant(REST, "create-charset-upper-case")
class CharsetCaseSensitive(ItemsApp):
    def media_type_ok(self, content_type: str | None) -> bool:
        return super().media_type_ok(content_type) and "UTF-8" not in (content_type or "")


@mutant(REST, "create-charset-latin1")
class CharsetIgnored(ItemsApp):
    def media_type_ok(self, content_type: str | None) -> bool:
        return (content_type or "").split(";")[0].strip().lower() == "application/json"


@mutant(REST, "create-not-utf8", "create-not-utf8-declared")
class InvalidUtf8Replaced(ItemsApp):
    def decode_text(self, body: bytes) -> str:
        return body.decode("utf-8", "replace")


@mutant(REST, "create-name-surrogate-high", "replace-surrogate", "patch-surrogate")
class Surrogate500(ItemsApp):
    """Fails on an unpaired surrogate when storing it (Flask and Django did: 500)."""

    def refuse_surrogates(self, request: Request, value: dict, fields) -> None:
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError: a fault of the server


@mutant(REST, "create-name-surrogate-high", "create-name-surrogate-low", "create-description-surrogate",
        "create-reversed-pair", "create-other-member-surrogate", "replace-surrogate", "patch-surrogate")
class SurrogateReplaced(ItemsApp):
    """Stores U+FFFD for an unpaired surrogate (the Node family with a database did)."""

    def read_json(self, request: Request):
        return replaced(super().read_json(request))


def replaced(value):
    """`value` with each unpaired surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    if isinstance(value, dict):
        return {replaced(k): replaced(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replaced(v) for v in value]
    return value


@mutant(REST, "create-other-member-surrogate")
class SurrogateOnlyInFields(ItemsApp):
    def refuse_surrogates(self, request: Request, value: dict, fields) -> None:
        super().refuse_surrogates(request, {k: v for k, v in value.items() if k in fields}, fields)


@mutant(REST, "name-101-emoji", "description-1001-emoji", "create-name-too-long", "create-description-too-long")
class LengthLimitsOffByOne(ItemsApp):
    def length(self, text: str) -> int:
        return len(text) - 1


@mutant(REST, "name-100-emoji", "description-1000-emoji")
class Utf16Lengths(ItemsApp):
    """Counts UTF-16 units, as Java's String.length() and JavaScript's .length do."""

    def length(self, text: str) -> int:
        return len(text.encode("utf-16-le")) // 2


@mutant(REST, "name-101-combining")
class NormalizedLengths(ItemsApp):
    """Counts characters after NFC normalisation (a letter and its accent as one)."""

    def length(self, text: str) -> int:
        return len(unicodedata.normalize("NFC", text))


# ---- accounts and tokens


@mutant(REST, "items-get-list-no-token", "items-post-list-no-token", "items-get-item-no-token",
        "items-put-item-no-token", "items-patch-item-no-token", "items-delete-item-no-token", "items-forged-token",
        auth=True)
class ItemsPublic(ItemsApp):
    def route(self, path: str):
        route, args = super().route(path)
        if route is not None and (path == "/items" or path.startswith("/items/")):
            route = Route(route.methods, needs_token=False)
        return route, args

    def visible(self, row: dict, account) -> bool:
        return account is None or super().visible(row, account)


@mutant(REST, "items-other-account-get", "items-other-account-put", "items-other-account-patch",
        "items-other-account-delete", "items-list-own", auth=True)
class ItemsNotOwned(ItemsApp):
    def visible(self, row: dict, account) -> bool:
        return True


@mutant(REST, "items-other-account-get", "items-other-account-put", "items-other-account-patch",
        "items-other-account-delete", auth=True)
class OtherAccountForbidden(ItemsApp):
    """403 for another account's item: it tells that the item exists."""

    def find(self, request: Request, account, text: str) -> dict:
        item_id = self.parse_id(text)
        row = self.items.rows.get(item_id) if item_id else None
        if row is not None and not self.visible(row, account):
            raise Refused(problem(403, "This item is not yours.", request.path))
        return super().find(request, account, text)


@mutant(REST, "items-list-own", auth=True)
class TotalCountsEveryone(ItemsApp):
    def page(self, request: Request, account) -> Response:
        response = super().page(request, account)
        body = json.loads(response.body)
        body["total"] = len(self.items.rows)
        return Response.json(200, body)


@mutant(REST, "logout", auth=True)
class TokenAliveAfterLogout(ItemsApp):
    def logout(self, request: Request, account) -> Response:
        return Response(204)


class EternalTokens(Accounts):
    def account_of(self, token: str):
        key = hashlib.sha256(token.encode()).hexdigest()
        with self.lock:
            found = self.tokens.get(key)
            return next((a for a in self.by_email.values() if found and a.id == found[0]), None)


@mutant(REST, "token-expires", auth=True, token_ttl=2)
class TokenNeverExpires(ItemsApp):
    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.accounts = EternalTokens()


class DayLongTokens(Accounts):
    def issue(self, account, now: float) -> tuple[str, str]:
        self.token_ttl = 86_400
        return super().issue(account, now)


@mutant(REST, "token-expires", auth=True)
class TokenLifetimeIgnored(ItemsApp):
    """Issues tokens for a day whatever AUTH_TOKEN_TTL_SECONDS says."""

    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.accounts = DayLongTokens()


@mutant(REST, "logout", auth=True)
class LogoutReadsBody(ItemsApp):
    def logout(self, request: Request, account) -> Response:
        self.read_json(request)
        return super().logout(request, account)


@mutant(REST, "me-no-token", "items-get-list-no-token", "logout-no-token", auth=True)
class NoChallenge(ItemsApp):
    def unauthorized(self, request: Request, detail: str, invalid: bool) -> Response:
        return problem(401, detail, request.path)


@mutant(REST, "me-forged-token", "me-malformed-token", "items-forged-token", "logout", auth=True)
class InvalidTokenPlainChallenge(ItemsApp):
    def unauthorized(self, request: Request, detail: str, invalid: bool) -> Response:
        return super().unauthorized(request, detail, invalid=False)


@mutant(REST, "me-scheme-case", auth=True)
class SchemeCaseSensitive(ItemsApp):
    def authenticate(self, request: Request):
        if not (request.header("authorization") or "").startswith("Bearer "):
            return None, self.unauthorized(request, "A bearer token is needed.", invalid=False)
        return super().authenticate(request)


@mutant(REST, "items-options-no-token", auth=True)
class OptionsNeedsToken(ItemsApp):
    def handle(self, request: Request) -> Response:
        if request.method == "OPTIONS" and request.path.startswith("/items"):
            account, refusal = self.authenticate(request)
            if refusal:
                return refusal
        return super().handle(request)


@mutant(REST, "register", "login", auth=True)
class EmailsCaseSensitive(ItemsApp):
    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.accounts = CaseSensitiveAccounts()


class CaseSensitiveAccounts(Accounts):
    def normalise(self, email: str) -> str:
        return email.strip()


@mutant(REST, "register-email-no-dot", "register-email-space", "register-email-empty-label", "register-email-local-65",
        "register-email-length-255", "register-email-control", "register-email-two-ats", auth=True)
class EmailOnlyNeedsAt(ItemsApp):
    def email_problem(self, value) -> str | None:
        return None if isinstance(value, str) and "@" in value[1:] else "email is not a valid address"


@mutant(REST, "register-password-11", auth=True)
class PasswordMinimum8(ItemsApp):
    def password_problem(self, value) -> str | None:
        if isinstance(value, str) and 8 <= len(value) <= 72 and len(value.encode()) <= 72:
            return None
        return "password must be 8 characters to 72 bytes"


@mutant(REST, "register-password-72-bytes", auth=True)
class PasswordMaximum64Bytes(ItemsApp):
    def password_problem(self, value) -> str | None:
        wrong = super().password_problem(value)
        return wrong or (None if len(value.encode()) <= 64 else "password must be at most 64 bytes")


@mutant(REST, "register-email-254", auth=True)
class EmailMaximum200(ItemsApp):
    def email_problem(self, value) -> str | None:
        wrong = super().email_problem(value)
        return wrong or (None if len(value.strip()) <= 200 else "email is too long")


@mutant(REST, "register", "register-taken", auth=True)
class EmailTakenTwice(ItemsApp):
    """Registers a second account for a taken email instead of answering 409."""

    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.accounts = AccountsWithoutUniqueEmails()


class AccountsWithoutUniqueEmails(Accounts):
    def register(self, email: str, password: str):
        with self.lock:
            self.by_email.pop(self.normalise(email), None)
        return super().register(email, password)


@mutant(REST, "me-basic", auth=True)
class BasicSchemeIsInvalidToken(ItemsApp):
    def authenticate(self, request: Request):
        if (request.header("authorization") or "").lower().startswith("basic "):
            return None, self.unauthorized(request, "The token is not valid.", invalid=True)
        return super().authenticate(request)


@mutant(REST, "health-no-token", auth=True)
class HealthNeedsToken(ItemsApp):
    """Every path behind the token, /health too (Spring Security's default)."""

    def route(self, path: str):
        route, args = super().route(path)
        if route is not None and path == "/health":
            route = Route(route.methods, needs_token=True)
        return route, args


@mutant(REST, "register-password-73-bytes", "register-password-19-emoji", auth=True)
class PasswordBytesUnchecked(ItemsApp):
    def password_problem(self, value) -> str | None:
        return None if isinstance(value, str) and len(value) >= 12 else "password must be at least 12 characters"


@mutant(REST, "register-password-11-emoji", auth=True)
class PasswordCountsBytes(ItemsApp):
    def password_problem(self, value) -> str | None:
        if isinstance(value, str) and len(value.encode()) >= 12 and len(value.encode()) <= 72:
            return None
        return "password must be 12 characters to 72 bytes"


@mutant(REST, "register-password-12", auth=True)
class PasswordTrimmed(ItemsApp):
    def password_problem(self, value) -> str | None:
        return super().password_problem(value.strip() if isinstance(value, str) else value)


@mutant(REST, "register", auth=True)
class PasswordEchoed(ItemsApp):
    def register(self, request: Request, account) -> Response:
        response = super().register(request, account)
        if response.status == 201:
            body = json.loads(response.body)
            body["password_digest"] = "scrypt$…"
            return Response.json(201, body)
        return response


@mutant(REST, "login-unknown-email", auth=True)
class LoginTellsUnknownEmail(ItemsApp):
    def login(self, request: Request, account) -> Response:
        body = json.loads(request.body or b"{}") if self.media_type_ok(request.header("content-type")) else {}
        email = body.get("email") if isinstance(body, dict) else None
        if isinstance(email, str) and self.accounts.normalise(email) not in self.accounts.by_email:
            return problem(401, "No account has this email.", request.path, headers=[("WWW-Authenticate", "Bearer")])
        return super().login(request, account)


@mutant(REST, "login-wrong-password", "login-unknown-email", auth=True)
class LoginFailureWithoutChallenge(ItemsApp):
    def login(self, request: Request, account) -> Response:
        response = super().login(request, account)
        if response.status == 401:
            response.headers = [h for h in response.headers if h[0] != "WWW-Authenticate"]
        return response


@mutant(REST, "login", auth=True)
class ExpiresAtWithOffset(ItemsApp):
    def login(self, request: Request, account) -> Response:
        response = super().login(request, account)
        if response.status == 200:
            body = json.loads(response.body)
            body["expires_at"] = body["expires_at"].replace("Z", "+00:00")
            return Response.json(200, body)
        return response


@mutant(REST, "login", auth=True)
class ShortTokens(ItemsApp):
    """64-bit tokens (11 URL-safe characters), under the contract's 128 bits."""

    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.accounts = ShortTokenAccounts()


class ShortTokenAccounts(Accounts):
    token_bytes = 8
    token_pattern = re.compile(r"^[A-Za-z0-9_-]+$")


# ---- the throttle


class ThrottleMutant(ItemsApp):
    accounts_class: type[Accounts] = Accounts

    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.accounts = self.accounts_class()


class NeverThrottles(Accounts):
    def wait(self, keys, now: float) -> int:
        return 0


@mutant(REST, "throttle-email", "throttle-address", auth=True)
class NoThrottle(ThrottleMutant):
    accounts_class = NeverThrottles


class RightPasswordFirst(Accounts):
    def login(self, email: str, password: str, peer: str) -> Outcome:
        account = self.by_email.get(self.normalise(email))
        if account is not None:
            if hash_password(password, account.salt) == account.digest:
                token, expires = self.issue(account, time.time())
                return Outcome(200, token=token, expires_at=expires)
        return super().login(email, password, peer)


@mutant(REST, "throttle-email", "throttle-address", auth=True)
class ThrottleSparesRightPassword(ThrottleMutant):
    accounts_class = RightPasswordFirst


class KeepsFailures(Accounts):
    def clear_failures(self, email: str) -> None:
        pass


@mutant(REST, "throttle-email", auth=True)
class SuccessKeepsFailures(ThrottleMutant):
    accounts_class = KeepsFailures


class OnlyByAddress(Accounts):
    def throttle_keys(self, email: str, peer: str) -> list[str]:
        return [f"addr:{peer}"]


@mutant(REST, "throttle-email", auth=True)
class ThrottleOnlyByAddress(ThrottleMutant):
    accounts_class = OnlyByAddress


class OnlyByEmail(Accounts):
    def throttle_keys(self, email: str, peer: str) -> list[str]:
        return [f"email:{self.normalise(email)}"]


@mutant(REST, "throttle-address", auth=True)
class ThrottleOnlyByEmail(ThrottleMutant):
    accounts_class = OnlyByEmail


@mutant(REST, "throttle-address", auth=True)
class ThrottleTrustsForwardedFor(ItemsApp):
    def client_address(self, request: Request) -> str:
        return (request.header("x-forwarded-for") or request.peer).split(",")[0].strip()


@mutant(REST, "throttle-email", "throttle-address", auth=True)
class NoRetryAfter(ItemsApp):
    def login(self, request: Request, account) -> Response:
        response = super().login(request, account)
        response.headers = [h for h in response.headers if h[0] != "Retry-After"]
        return response


# ---- GraphQL


def with_limits(**changes):
    class Limits(GraphqlApp):
        def limit(self, name: str):
            return changes.get(name, super().limit(name))

    return Limits


@mutant(GRAPHQL, "graphql-depth-10", "graphql-aliases-15", "graphql-tokens-1000", "graphql-directives-50",
        "graphql-cost-under")
class LimitsOneTooStrict(with_limits(depth=9, aliases=14, tokens=999, directives=49, cost=4000)):
    """Each limit one below the contract's bound (a cost well below)."""


@mutant(GRAPHQL, "graphql-depth-11")
class DepthOffByOne(with_limits(depth=11)):
    """Lets 11 levels through where the contract says 10 (the hand-written limit did)."""


@mutant(GRAPHQL, "graphql-aliases-16", "graphql-aliases-16-legacy")
class NoAliasLimit(with_limits(aliases=10**9)):
    pass


@mutant(GRAPHQL, "graphql-tokens-1001")
class NoTokenLimit(with_limits(tokens=None)):
    pass


@mutant(GRAPHQL, "graphql-directives-51")
class NoDirectiveLimit(with_limits(directives=10**9)):
    pass


@mutant(GRAPHQL, "graphql-cost-over")
class NoCostLimit(with_limits(cost=10**9)):
    pass


@mutant(GRAPHQL, "graphql-alias-bomb", "graphql-aliases-16", "graphql-tokens-1001")
class NoLimits(with_limits(tokens=None, aliases=10**9, cost=10**9)):
    """Depth only, as the hand-written rule did: 3,000 aliases run."""


@mutant(GRAPHQL, "graphql-depth-11", "graphql-aliases-16", "graphql-cost-over")
class SlowRefusal(GraphqlApp):
    """Refuses a query over a limit only after working on it for 1.5 s."""

    def validate(self, operation, fragments, variables):
        found = super().validate(operation, fragments, variables)
        if found:
            time.sleep(1.5)
        return found


@mutant(GRAPHQL, "graphql-get-query")
class GetRefused(GraphqlApp):
    """Apollo's CSRF prevention: a GET without a preflight header is 400."""

    def graphql(self, request: Request, account) -> Response:
        if request.method == "GET":
            return Response.json(400, {"errors": [{"message": "This operation has been blocked as a potential CSRF."}]})
        return super().graphql(request, account)


@mutant(GRAPHQL, "graphql-get-mutation")
class MutationOverGet(GraphqlApp):
    def graphql(self, request: Request, account) -> Response:
        if request.method == "GET":
            query = dict(request.query).get("query", "")
            body = json.dumps({"query": query}).encode()
            headers = {**request.headers, "content-type": "application/json"}
            request = Request("POST", request.target, request.path, [], headers, body, True, request.peer)
        return super().graphql(request, account)


@mutant(GRAPHQL, "graphql-delete", "graphql-put", "graphql-patch")
class GraphqlDeleteWithoutAllow(GraphqlApp):
    def not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return problem(405, f"{request.method} is not allowed here.", request.path)


@mutant(GRAPHQL, "graphql-subscription-over-post")
class SubscriptionTransportUnnamed(GraphqlApp):
    """Refuses a subscription without saying where to send it (Apollo: "Unexpected error.")."""

    def subscription_refusal(self) -> str:
        return "Unexpected error."


@mutant(GRAPHQL, "graphql-name-100-emoji")
class GraphqlUtf16Lengths(GraphqlApp):
    def length(self, text: str) -> int:
        return len(text.encode("utf-16-le")) // 2


@mutant(GRAPHQL, "graphql-surrogate")
class GraphqlSurrogateStored(GraphqlApp):
    def text_argument(self, value, name: str, limit: int) -> str:
        if isinstance(value, str) and has_surrogate(value):
            return replaced(value)
        return super().text_argument(value, name, limit)


@mutant(GRAPHQL, "graphql-no-token-query", "graphql-no-token-mutation", auth=True)
class GraphqlPublic(GraphqlApp):
    """Lets anonymous requests run (as if auth were only on /auth)."""

    def execute(self, operation, fragments, variables, user):
        if user is None:
            user = Account(0, "", b"", b"")
        return super().execute(operation, fragments, variables, user)

    def query_me(self, args, user):
        if user is not None and user.id == 0:
            raise GraphQLError("Log in first.", "UNAUTHENTICATED")
        return super().query_me(args, user)


@mutant(GRAPHQL, "graphql-no-token-typename", auth=True)
class TypenameNeedsToken(GraphqlApp):
    def execute(self, operation, fragments, variables, user):
        if self.auth and user is None:
            return None, [GraphQLError("Log in first.", "UNAUTHENTICATED")]
        return super().execute(operation, fragments, variables, user)


@mutant(GRAPHQL, "graphql-not-utf8")
class GraphqlInvalidUtf8Replaced(GraphqlApp):
    def graphql(self, request: Request, account) -> Response:
        request.body = request.body.decode("utf-8", "replace").encode()
        return super().graphql(request, account)


@mutant(GRAPHQL, "graphql-forged-token", auth=True)
class GraphqlForgedTokenAnonymous(GraphqlApp):
    """Treats an invalid token as none: UNAUTHENTICATED (200) instead of 401."""

    def authenticate(self, request: Request):
        account, refusal = super().authenticate(request)
        if refusal is not None and request.path == "/graphql":
            return None, None
        return account, refusal


@mutant(GRAPHQL, "graphql-owned", auth=True)
class AuthorsNotOwned(GraphqlApp):
    def owned(self, rows: dict, user) -> list[dict]:
        with self.store.lock:
            return [r for _, r in sorted(rows.items())]

    def by_id(self, rows: dict, text, user):
        text = str(text)
        return rows.get(int(text)) if text.isdigit() else None
