"""The GraphQL stack's contract: /graphql over HTTP (status codes by Accept, GET for queries,
405 for mutations over GET and other methods, subscriptions refused over a plain request), the
limits before anything runs, authors and books in memory (owned with `auth`), and `me`."""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from .app import ID_TEXT, MAX_ID, App, Route, has_surrogate
from .gql_language import Counts, Definition, Enum, Field, GraphQLSyntaxError, Inline, Spread, Variable, parse
from .wire import Refused, Request, Response, problem

GQL_MEDIA = "application/graphql-response+json"
LIMITS = {"depth": 10, "aliases": 15, "tokens": 1000, "directives": 50, "cost": 5000}

# type → field → (type, {argument: type})
SCHEMA: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "Query": {
        "authors": ("[Author!]!", {}), "author": ("Author", {"id": "ID!"}),
        "books": ("[Book!]!", {}), "book": ("Book", {"id": "ID!"}), "me": ("User", {}),
    },
    "Mutation": {
        "createAuthor": ("Author!", {"input": "CreateAuthorInput!"}),
        "createBook": ("Book!", {"input": "CreateBookInput!"}),
        "updateBook": ("Book", {"id": "ID!", "input": "UpdateBookInput!"}),
        "deleteBook": ("Boolean!", {"id": "ID!"}),
    },
    "Subscription": {"bookCreated": ("Book!", {})},
    "Author": {"id": ("ID!", {}), "name": ("String!", {}), "books": ("[Book!]!", {})},
    "Book": {"id": ("ID!", {}), "title": ("String!", {}), "author": ("Author!", {}), "createdAt": ("String!", {})},
    "User": {"id": ("ID!", {}), "email": ("String!", {})},
}
SCALARS = {"ID", "String", "Boolean", "Int", "Float"}


class GraphQLError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message, self.code = message, code

    def as_json(self) -> dict:
        found: dict[str, Any] = {"message": self.message}
        if self.code:
            found["extensions"] = {"code": self.code}
        return found


def named(type_text: str) -> str:
    return type_text.strip("[]!")


@dataclass
class Store:
    authors: dict[int, dict] = field(default_factory=dict)
    books: dict[int, dict] = field(default_factory=dict)
    next_id: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)


class GraphqlApp(App):
    def __init__(self, auth: bool = False) -> None:
        super().__init__(auth)
        self.store = Store()

    def route(self, path: str):
        if path == "/graphql":
            return Route({"GET": self.graphql, "POST": self.graphql}), ()
        return super().route(path)

    # ---- HTTP

    def graphql(self, request: Request, account) -> Response:
        accept = request.header("accept") or ""
        media = GQL_MEDIA if GQL_MEDIA in accept else "application/json"
        strict = media == GQL_MEDIA

        def errors(status: int, *found: GraphQLError, headers=()) -> Response:
            return Response.json(status if strict or status in (405,) else 200,
                                 {"errors": [e.as_json() for e in found]}, media, headers)

        if request.method == "POST":
            if not self.media_type_ok(request.header("content-type")):
                return problem(415, "The body must be application/json.", request.path)
            try:
                payload = json.loads(request.body.decode("utf-8"))
            except (ValueError, RecursionError):
                return Response.json(400, {"errors": [{"message": "The body is not JSON."}]}, media)
        else:
            payload = {k: v for k, v in request.query if k in ("query", "variables", "operationName")}
            if isinstance(payload.get("variables"), str):
                try:
                    payload["variables"] = json.loads(payload["variables"])
                except ValueError:
                    return Response.json(400, {"errors": [{"message": "variables is not JSON."}]}, media)
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return Response.json(400, {"errors": [{"message": "The request has no query."}]}, media)
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            return Response.json(400, {"errors": [{"message": "variables must be an object."}]}, media)

        user = None
        if request.header("authorization") is not None and self.auth:
            user, refusal = self.authenticate(request)
            if refusal:
                return refusal

        try:
            definitions = parse(payload["query"], self.limit("tokens"))
        except GraphQLSyntaxError as e:
            return errors(400, GraphQLError(f"Syntax Error: {e}", "GRAPHQL_PARSE_FAILED"))
        fragments = {d.name: d for d in definitions if d.kind == "fragment"}
        operations = [d for d in definitions if d.kind != "fragment"]
        name = payload.get("operationName")
        chosen = [o for o in operations if name is None or o.name == name]
        if len(chosen) != 1:
            return errors(400, GraphQLError("Name the operation to run (operationName).", "GRAPHQL_VALIDATION_FAILED"))
        operation = chosen[0]
        if request.method == "GET" and operation.kind == "mutation":
            return errors(405, GraphQLError("Mutations are sent with POST."), headers=[("Allow", "POST")])
        if operation.kind == "subscription":
            return errors(400, GraphQLError(self.subscription_refusal(), "BAD_REQUEST"))
        found = self.validate(operation, fragments, variables)
        if found:
            return errors(400, *found)
        data, failures = self.execute(operation, fragments, variables, user)
        body: dict[str, Any] = {"data": data}
        if failures:
            body["errors"] = [e.as_json() for e in failures]
        return Response.json(200, body, media)

    def subscription_refusal(self) -> str:
        return "Subscriptions are not served over a plain request: use a WebSocket or server-sent events."

    def limit(self, name: str) -> int:
        return LIMITS[name]

    # ---- validation: limits first, then the schema

    def validate(self, operation: Definition, fragments: dict, variables: dict) -> list[GraphQLError]:
        counts = Counts(fragments)
        over = []
        if counts.depth(operation) > self.limit("depth"):
            over.append(GraphQLError("Query is too deep.", "GRAPHQL_VALIDATION_FAILED"))
        if counts.aliases(operation) > self.limit("aliases"):
            over.append(GraphQLError("Too many aliases.", "GRAPHQL_VALIDATION_FAILED"))
        if counts.directives(operation) > self.limit("directives"):
            over.append(GraphQLError("Too many directives.", "GRAPHQL_VALIDATION_FAILED"))
        if counts.cost(operation) > self.limit("cost"):
            over.append(GraphQLError("Query is too expensive.", "GRAPHQL_VALIDATION_FAILED"))
        if over:
            return over
        root = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[operation.kind]
        found: list[GraphQLError] = []
        self.check_selections(root, operation.selections, fragments, operation.variables, found)
        for var, (type_text, default) in operation.variables.items():
            if type_text.endswith("!") and var not in variables and default is None:
                found.append(GraphQLError(f"Variable ${var} of required type {type_text} was not provided.",
                                          "BAD_USER_INPUT"))
        return found

    def check_selections(self, type_name: str, selections: list, fragments: dict, declared: dict, found: list) -> None:
        fields = SCHEMA[type_name]
        for selection in selections:
            if isinstance(selection, Spread):
                if selection.name not in fragments:
                    found.append(GraphQLError(f"Unknown fragment {selection.name}.", "GRAPHQL_VALIDATION_FAILED"))
                else:
                    self.check_selections(type_name, fragments[selection.name].selections, fragments, declared, found)
                continue
            if isinstance(selection, Inline):
                self.check_selections(selection.type_condition or type_name, selection.selections, fragments,
                                      declared, found)
                continue
            if selection.name in ("__schema", "__type"):
                found.append(GraphQLError("GraphQL introspection is not allowed.", "GRAPHQL_VALIDATION_FAILED"))
                continue
            if selection.name == "__typename":
                continue
            if selection.name not in fields:
                found.append(GraphQLError(f'Cannot query field "{selection.name}" on type "{type_name}".',
                                          "GRAPHQL_VALIDATION_FAILED"))
                continue
            type_text, arguments = fields[selection.name]
            for arg in selection.args:
                if arg not in arguments:
                    found.append(GraphQLError(f'Unknown argument "{arg}".', "GRAPHQL_VALIDATION_FAILED"))
            for arg, arg_type in arguments.items():
                if arg_type.endswith("!") and arg not in selection.args:
                    found.append(GraphQLError(f'Argument "{arg}" is required.', "GRAPHQL_VALIDATION_FAILED"))
            for value in selection.args.values():
                for var in variables_in(value):
                    if var not in declared:
                        found.append(GraphQLError(f"Variable ${var} is not defined.", "GRAPHQL_VALIDATION_FAILED"))
            inner = named(type_text)
            if inner in SCALARS and selection.selections:
                found.append(GraphQLError(f'Field "{selection.name}" is a scalar: it has no selection.',
                                          "GRAPHQL_VALIDATION_FAILED"))
            elif inner not in SCALARS:
                if not selection.selections:
                    found.append(GraphQLError(f'Field "{selection.name}" needs a selection.',
                                              "GRAPHQL_VALIDATION_FAILED"))
                else:
                    self.check_selections(inner, selection.selections, fragments, declared, found)

    # ---- execution

    def execute(self, operation: Definition, fragments: dict, variables: dict, user) -> tuple[Any, list]:
        root = "Query" if operation.kind == "query" else "Mutation"
        failures: list[GraphQLError] = []
        data: dict[str, Any] = {}
        for selection in self.flatten(operation.selections, fragments, variables):
            if selection.name == "__typename":
                data[selection.key] = root
                continue
            try:
                if self.auth and user is None:
                    raise GraphQLError("Log in first: send Authorization: Bearer <token>.", "UNAUTHENTICATED")
                args = {k: resolve(v, variables) for k, v in selection.args.items()}
                value = getattr(self, f"{root.lower()}_{selection.name}")(args, user)
                data[selection.key] = self.complete(SCHEMA[root][selection.name][0], value, selection, fragments,
                                                    variables, user)
            except GraphQLError as e:
                failures.append(e)
                if SCHEMA[root][selection.name][0].endswith("!"):
                    return None, failures
                data[selection.key] = None
        return data, failures

    def flatten(self, selections: list, fragments: dict, variables: dict) -> list[Field]:
        out = []
        for selection in selections:
            if not included(selection, variables):
                continue
            if isinstance(selection, Field):
                out.append(selection)
            elif isinstance(selection, Spread):
                out += self.flatten(fragments[selection.name].selections, fragments, variables)
            else:
                out += self.flatten(selection.selections, fragments, variables)
        return out

    def complete(self, type_text: str, value, selection: Field, fragments: dict, variables: dict, user):
        if value is None:
            return None
        inner = named(type_text)
        if isinstance(value, list):
            return [self.complete(inner, v, selection, fragments, variables, user) for v in value]
        if inner in SCALARS:
            return value
        result = {}
        for child in self.flatten(selection.selections or [], fragments, variables):
            if child.name == "__typename":
                result[child.key] = inner
                continue
            child_type = SCHEMA[inner][child.name][0]
            raw = self.field_value(inner, value, child.name, user)
            result[child.key] = self.complete(child_type, raw, child, fragments, variables, user)
        return result

    def field_value(self, type_name: str, row: dict, name: str, user):
        if type_name == "Author" and name == "books":
            with self.store.lock:
                return [b for _, b in sorted(self.store.books.items()) if b["author_id"] == row["id"]]
        if type_name == "Book" and name == "author":
            return self.store.authors.get(row["author_id"])
        if name == "id":
            return str(row["id"])
        return row.get({"createdAt": "created_at"}.get(name, name))

    # ---- resolvers

    def owned(self, rows: dict, user) -> list[dict]:
        with self.store.lock:
            return [r for _, r in sorted(rows.items()) if not self.auth or r["owner"] == user.id]

    def by_id(self, rows: dict, text, user) -> dict | None:
        text = str(text)
        if not ID_TEXT.match(text) or int(text) > MAX_ID:
            return None
        row = rows.get(int(text))
        return row if row and (not self.auth or row["owner"] == user.id) else None

    def query_authors(self, args, user):
        return self.owned(self.store.authors, user)

    def query_author(self, args, user):
        return self.by_id(self.store.authors, args["id"], user)

    def query_books(self, args, user):
        return self.owned(self.store.books, user)

    def query_book(self, args, user):
        return self.by_id(self.store.books, args["id"], user)

    def query_me(self, args, user):
        return {"id": user.id, "email": user.email} if user else None

    def text_argument(self, value, name: str, limit: int) -> str:
        if not isinstance(value, str):
            raise GraphQLError(f"{name} must be a string.", "BAD_USER_INPUT")
        if "\u0000" in value or has_surrogate(value):
            raise GraphQLError(f"{name} must not hold the NUL character or an unpaired surrogate.", "BAD_USER_INPUT")
        if not 1 <= self.length(value) <= limit:
            raise GraphQLError(f"{name} must be 1 to {limit} characters.", "BAD_USER_INPUT")
        return value

    def length(self, text: str) -> int:
        return len(text)  # code points

    def insert(self, rows: dict, row: dict, user) -> dict:
        with self.store.lock:
            row = {"id": self.store.next_id, **row, "owner": user.id if user else None}
            rows[row["id"]] = row
            self.store.next_id += 1
        return row

    def mutation_createAuthor(self, args, user):
        name = self.text_argument((args.get("input") or {}).get("name"), "name", 100)
        return self.insert(self.store.authors, {"name": name}, user)

    def mutation_createBook(self, args, user):
        given = args.get("input") or {}
        title = self.text_argument(given.get("title"), "title", 200)
        author = self.by_id(self.store.authors, given.get("authorId"), user)
        if author is None:
            raise GraphQLError("There is no author with this id.", "BAD_USER_INPUT")
        stamp = datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")
        return self.insert(self.store.books, {"title": title, "author_id": author["id"], "created_at": stamp}, user)

    def mutation_updateBook(self, args, user):
        book = self.by_id(self.store.books, args["id"], user)
        if book is None:
            return None
        title = (args.get("input") or {}).get("title")
        if title is not None:
            book["title"] = self.text_argument(title, "title", 200)
        return book

    def mutation_deleteBook(self, args, user):
        book = self.by_id(self.store.books, args["id"], user)
        if book is None:
            return False
        with self.store.lock:
            self.store.books.pop(book["id"], None)
        return True


def resolve(value, variables: dict):
    if isinstance(value, Variable):
        return variables.get(value.name)
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, variables) for k, v in value.items()}
    return value


def variables_in(value) -> list[str]:
    if isinstance(value, Variable):
        return [value.name]
    if isinstance(value, list):
        return [n for v in value for n in variables_in(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in variables_in(v)]
    return []


def included(selection, variables: dict) -> bool:
    for name, args in selection.directives:
        condition = resolve(args.get("if"), variables)
        if (name == "include" and condition is False) or (name == "skip" and condition is True):
            return False
    return True


__all__ = ["GraphqlApp", "Refused"]
