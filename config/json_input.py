"""Reading JSON that anyone may send: one helper for every endpoint and form, so that hostile
input (too large, nested thousands deep, numbers of thousands of digits, NaN) is a refusal with
a reason, never a 500 or seconds of CPU."""

from __future__ import annotations

import json

MAX_DEPTH = 64  # far beyond any credential or answer set; deep enough to refuse early
MAX_NUMBER_CHARS = 40  # a CE hour count or an index fits; a 4,000-digit integer does not


class JsonRefused(ValueError):
    """Input refused; `str()` is the reason, `status` the HTTP status (400 or 413)."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.status = status


def _number(text: str, convert):
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(f"A number has {len(text)} characters; at most {MAX_NUMBER_CHARS}.")
    value = convert(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise JsonRefused("Numbers must be finite.")
    return value


def _no_constant(name: str):
    raise JsonRefused(f"{name} is not a JSON number.")


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return deepest


def json_parse(raw: bytes | str, *, max_bytes: int):
    """The value `raw` holds, or JsonRefused: 413 above `max_bytes`, 400 for anything else."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > max_bytes:
        raise JsonRefused(
            f"The JSON is {size // 1024} KiB; at most {max_bytes // 1024} KiB is accepted.", 413
        )
    try:
        value = json.loads(
            raw,
            parse_int=lambda text: _number(text, int),
            parse_float=lambda text: _number(text, float),
            parse_constant=_no_constant,
        )
    except RecursionError as error:
        raise JsonRefused(f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).") from error
    except UnicodeDecodeError as error:
        raise JsonRefused("The JSON is not UTF-8 text.") from error
    except json.JSONDecodeError as error:
        raise JsonRefused(f"This is not valid JSON: {error}.") from error
    if _depth(value) > MAX_DEPTH:
        raise JsonRefused(f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).")
    return value


def content_length_refused(request, max_bytes: int) -> JsonRefused | None:
    """Refuse an oversized body from its Content-Length, before reading it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return JsonRefused("The Content-Length header is not a number.")
    if length > max_bytes:
        return JsonRefused(
            f"The body is {length // 1024} KiB; at most {max_bytes // 1024} KiB is accepted.", 413
        )
    return None
