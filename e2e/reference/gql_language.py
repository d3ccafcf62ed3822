"""Enough of the GraphQL language for the reference: a lexer that counts tokens as GraphQL
Armor's max-tokens does, a parser of operations and fragments, and Armor's depth, alias,
directive and cost counts over the parsed operation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PUNCTUATORS = set("!$&():=@[]{}|")
NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class GraphQLSyntaxError(Exception):
    pass


@dataclass
class Token:
    kind: str  # punct, name, int, float, string, spread, eof
    value: str


def lex(source: str, max_tokens: int | None) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(source)

    def add(kind: str, value: str) -> None:
        tokens.append(Token(kind, value))
        if max_tokens is not None and len(tokens) > max_tokens:
            raise GraphQLSyntaxError(f"Token limit of {max_tokens} exceeded.")

    while i < n:
        c = source[i]
        if c in " \t\r\n,\ufeff":
            i += 1
        elif c == "#":
            while i < n and source[i] not in "\r\n":
                i += 1
        elif c in PUNCTUATORS:
            add("punct", c)
            i += 1
        elif source.startswith("...", i):
            add("spread", "...")
            i += 3
        elif c == '"':
            value, i = read_string(source, i)
            add("string", value)
        elif NAME.match(source, i):
            m = NAME.match(source, i)
            add("name", m.group())
            i = m.end()
        elif NUMBER.match(source, i):
            m = NUMBER.match(source, i)
            add("float" if m.group(2) or m.group(3) else "int", m.group())
            i = m.end()
        else:
            raise GraphQLSyntaxError(f"Unexpected character {c!r}.")
    tokens.append(Token("eof", ""))
    return tokens


def read_string(source: str, i: int) -> tuple[str, int]:
    if source.startswith('"""', i):
        end = source.find('"""', i + 3)
        if end < 0:
            raise GraphQLSyntaxError("Unterminated string.")
        return source[i + 3 : end], end + 3
    out = []
    i += 1
    while i < len(source):
        c = source[i]
        if c == '"':
            return "".join(out), i + 1
        if c in "\r\n":
            break
        if c == "\\":
            nxt = source[i + 1 : i + 2]
            if nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", source[i + 2 : i + 6]):
                out.append(chr(int(source[i + 2 : i + 6], 16)))
                i += 6
                continue
            if nxt in ESCAPES:
                out.append(ESCAPES[nxt])
                i += 2
                continue
            raise GraphQLSyntaxError("Invalid escape in a string.")
        out.append(c)
        i += 1
    raise GraphQLSyntaxError("Unterminated string.")


@dataclass
class Field:
    name: str
    alias: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    directives: list[tuple[str, dict]] = field(default_factory=list)
    selections: list | None = None

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class Spread:
    name: str
    directives: list = field(default_factory=list)


@dataclass
class Inline:
    type_condition: str | None
    directives: list = field(default_factory=list)
    selections: list = field(default_factory=list)


@dataclass
class Definition:
    kind: str  # query, mutation, subscription, fragment
    name: str | None
    selections: list
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name → (type, default)
    directives: list = field(default_factory=list)
    type_condition: str | None = None


@dataclass
class Variable:
    name: str


@dataclass
class Enum:
    name: str


class Parser:
    def __init__(self, source: str, max_tokens: int | None) -> None:
        self.tokens = lex(source, max_tokens)
        self.pos = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self, kind: str, value: str | None = None) -> Token:
        token = self.peek
        if token.kind != kind or (value is not None and token.value != value):
            raise GraphQLSyntaxError(f"Expected {value or kind}, found {token.value or token.kind}.")
        self.pos += 1
        return token

    def at(self, kind: str, value: str | None = None) -> bool:
        return self.peek.kind == kind and (value is None or self.peek.value == value)

    def document(self) -> list[Definition]:
        definitions = []
        while not self.at("eof"):
            definitions.append(self.definition())
        if not definitions:
            raise GraphQLSyntaxError("The document holds no operation.")
        return definitions

    def definition(self) -> Definition:
        if self.at("punct", "{"):
            return Definition("query", None, self.selection_set())
        keyword = self.take("name").value
        if keyword == "fragment":
            name = self.take("name").value
            self.take("name", "on")
            condition = self.take("name").value
            directives = self.directives()
            return Definition("fragment", name, self.selection_set(), directives=directives, type_condition=condition)
        if keyword not in ("query", "mutation", "subscription"):
            raise GraphQLSyntaxError(f"Unexpected {keyword}.")
        name = self.take("name").value if self.at("name") else None
        variables = self.variable_definitions() if self.at("punct", "(") else {}
        directives = self.directives()
        return Definition(keyword, name, self.selection_set(), variables, directives)

    def variable_definitions(self) -> dict[str, tuple[str, Any]]:
        self.take("punct", "(")
        found = {}
        while not self.at("punct", ")"):
            self.take("punct", "$")
            name = self.take("name").value
            self.take("punct", ":")
            type_text = self.type_ref()
            default = None
            if self.at("punct", "="):
                self.pos += 1
                default = self.value(const=True)
            self.directives()
            found[name] = (type_text, default)
        self.take("punct", ")")
        return found

    def type_ref(self) -> str:
        if self.at("punct", "["):
            self.pos += 1
            inner = self.type_ref()
            self.take("punct", "]")
            text = f"[{inner}]"
        else:
            text = self.take("name").value
        if self.at("punct", "!"):
            self.pos += 1
            text += "!"
        return text

    def selection_set(self) -> list:
        self.take("punct", "{")
        selections = []
        while not self.at("punct", "}"):
            selections.append(self.selection())
        self.take("punct", "}")
        if not selections:
            raise GraphQLSyntaxError("An empty selection set.")
        return selections

    def selection(self):
        if self.at("spread"):
            self.pos += 1
            if self.at("name") and self.peek.value != "on":
                return Spread(self.take("name").value, self.directives())
            condition = None
            if self.at("name", "on"):
                self.pos += 1
                condition = self.take("name").value
            return Inline(condition, self.directives(), self.selection_set())
        name = self.take("name").value
        alias = None
        if self.at("punct", ":"):
            self.pos += 1
            alias, name = name, self.take("name").value
        args = self.arguments() if self.at("punct", "(") else {}
        directives = self.directives()
        selections = self.selection_set() if self.at("punct", "{") else None
        return Field(name, alias, args, directives, selections)

    def arguments(self) -> dict[str, Any]:
        self.take("punct", "(")
        args = {}
        while not self.at("punct", ")"):
            name = self.take("name").value
            self.take("punct", ":")
            args[name] = self.value()
        self.take("punct", ")")
        return args

    def directives(self) -> list[tuple[str, dict]]:
        found = []
        while self.at("punct", "@"):
            self.pos += 1
            name = self.take("name").value
            found.append((name, self.arguments() if self.at("punct", "(") else {}))
        return found

    def value(self, const: bool = False) -> Any:
        token = self.peek
        if token.kind == "punct" and token.value == "$" and not const:
            self.pos += 1
            return Variable(self.take("name").value)
        if token.kind == "int":
            self.pos += 1
            return int(token.value)
        if token.kind == "float":
            self.pos += 1
            return float(token.value)
        if token.kind == "string":
            self.pos += 1
            return token.value
        if token.kind == "name":
            self.pos += 1
            return {"true": True, "false": False, "null": None}.get(token.value, Enum(token.value))
        if token.kind == "punct" and token.value == "[":
            self.pos += 1
            items = []
            while not self.at("punct", "]"):
                items.append(self.value(const))
            self.pos += 1
            return items
        if token.kind == "punct" and token.value == "{":
            self.pos += 1
            fields = {}
            while not self.at("punct", "}"):
                name = self.take("name").value
                self.take("punct", ":")
                fields[name] = self.value(const)
            self.pos += 1
            return fields
        raise GraphQLSyntaxError(f"Unexpected {token.value or token.kind}.")


def parse(source: str, max_tokens: int | None) -> list[Definition]:
    return Parser(source, max_tokens).document()


# ---- GraphQL Armor's counts over one operation (fragments followed)


class Counts:
    def __init__(self, fragments: dict[str, Definition]) -> None:
        self.fragments = fragments

    def children(self, node) -> list:
        if isinstance(node, Spread):
            fragment = self.fragments.get(node.name)
            return [fragment] if fragment else []
        return (node.selections or []) if not isinstance(node, Definition) else node.selections

    def depth(self, node, parent: int = 0) -> int:
        if isinstance(node, Field) and node.name == "__schema":
            return 0
        deepest = parent
        for child in self.children(node):
            deepest = max(deepest, self.depth(child, parent + 1))
        return deepest

    def aliases(self, node) -> int:
        own = 1 if isinstance(node, Field) and node.alias and "__typename" not in (node.alias, node.name) else 0
        return own + sum(self.aliases(child) for child in self.children(node))

    def directives(self, node) -> int:
        own = len(node.directives)
        return own + sum(self.directives(child) for child in self.children(node))

    def cost(self, node) -> float:
        """Armor's cost: a scalar field 1, an object field 2 plus 1.5 times each selected
        field's cost (a fragment spread 1 plus 1.5 times its fragment's); the operation the sum
        of its fields."""
        if isinstance(node, Definition) and node.kind != "fragment":
            return sum(self.cost(child) for child in node.selections)
        if isinstance(node, Field) and node.name == "__schema":
            return 0
        selections = None if isinstance(node, Spread) else node.selections
        cost = 2.0 if selections else 1.0
        for child in selections or []:
            cost += 1.5 * self.cost(child)
        if isinstance(node, Spread) and node.name in self.fragments:
            cost += 1.5 * self.cost(self.fragments[node.name])
        return cost
