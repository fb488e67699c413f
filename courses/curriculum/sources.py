"""Reading YAML with line numbers, and the error every reader reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class SourceError:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class CurriculumInvalid(Exception):
    def __init__(self, errors: list[SourceError], plan=None):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0))
        self.plan = plan  # what could be read, for reports; never written
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class YamlDoc:
    """Parsed YAML plus the line of every key and list item, for precise error messages."""

    path: str
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    line_offset: int = 0
    errors: list[SourceError] = field(default_factory=list)

    def line(self, *keys) -> int | None:
        for end in range(len(keys), -1, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]] + self.line_offset
        return None

    def error(self, message: str, *keys) -> None:
        self.errors.append(SourceError(self.path, self.line(*keys), message))

    def unknown_keys(self, data: dict, allowed: set[str], *at) -> None:
        for key in sorted(set(data) - allowed):
            self.error(f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})", *at, key)

    # Typed getters: each records an error and returns a harmless value when the data is wrong.

    def text(self, data: dict, key: str, *at, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(f"'{key}' is required", *at, key)
            return ""
        if not isinstance(value, str | int | float):
            self.error(f"'{key}' must be text", *at, key)
            return ""
        return str(value).strip()

    def number(self, data: dict, key: str, *at, default=None) -> Decimal:
        value = data.get(key, default)
        if value is None:
            self.error(f"'{key}' is required", *at, key)
            return Decimal(0)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal(-1)
        if isinstance(value, bool) or number < 0:
            self.error(f"'{key}' must be a number of 0 or more, not {value!r}", *at, key)
            return Decimal(0)
        return number

    def whole_number(
        self, data: dict, key: str, *at, default: int | None = None, required: bool = False
    ) -> int | None:
        """A whole number >= 1; `default` when the key is absent and not required."""
        value = data.get(key, default)
        if value is None or (required and key not in data):
            if required:
                self.error(f"'{key}' is required", *at, key)
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(f"'{key}' must be a whole number >= 1, not {value!r}", *at, key)
            return default
        return value

    def slugs(self, data: dict, key: str, *at, required: bool = True) -> list[str]:
        value = data.get(key)
        if value is None:
            if required:
                self.error(f"'{key}' is required (a list)", *at, key)
            return []
        if not isinstance(value, list):
            self.error(f"'{key}' must be a list", *at, key)
            return []
        good = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not SLUG.match(item):
                self.error(f"'{key}' item {item!r} is not a slug (a-z, 0-9, -)", *at, key, index)
            else:
                good.append(item)
        return good


def _walk(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines)


# libyaml parses several times faster than the pure-Python parser; both build the same data.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(text: str, loader_class) -> tuple[yaml.Node | None, Any]:
    """One parse gives both the nodes (for line numbers) and the data."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str, path: str, *, line_offset: int = 0) -> YamlDoc:
    doc = YamlDoc(path=path, data=None, line_offset=line_offset)
    try:
        try:
            node, doc.data = _compose_and_construct(text, FAST_LOADER)
        except yaml.YAMLError:
            # libyaml words its errors more tersely ("found undefined alias", without the
            # name); the pure-Python parser's message is the one authors are shown.
            node, doc.data = _compose_and_construct(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        doc.errors.append(SourceError(path, line, f"invalid YAML: {exc.problem or exc.context}"))
        return doc
    if node is not None:
        _walk(node, (), doc.lines)
    return doc


def load_yaml(file: Path, root: Path, *, expect: type = dict) -> YamlDoc:
    relative = str(file.relative_to(root))
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return YamlDoc(relative, None, errors=[SourceError(relative, None, "is not UTF-8 text")])
    doc = parse_yaml(text, relative)
    if not doc.errors and not isinstance(doc.data, expect):
        kind = "a mapping of keys" if expect is dict else "a list"
        doc.errors.append(SourceError(relative, 1, f"must be {kind}"))
        doc.data = expect()
    return doc
