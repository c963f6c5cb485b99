"""Validate YAML read with line numbers against msgspec Structs; errors come out as file:line.

msgspec stops at the first error of a value and names it by a path such as
``$.fr.questions[2]``; :func:`validate` walks that path through the :class:`YMap` and
:class:`YList` it came from to the line of the offending key or item, and lets the caller
word the message for authors (``hint``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import msgspec

from .yamlsource import Problems, YList, YMap

__all__ = ["Hint", "validate"]

T = TypeVar("T")

#: Words a message for authors: (path without indices, e.g. ``("fr", "questions", "[]")``,
#: msgspec's message) -> the message, or None to keep msgspec's.
Hint = Callable[[tuple[str, ...], str], str | None]

_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")  # msgspec writes dict keys as [...]
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]+)`$")


def validate(
    data: Any,
    kind: type[T],
    *,
    name: str,
    line: int,
    problems: Problems,
    hint: Hint | None = None,
) -> T | None:
    """Return ``data`` converted to ``kind``, or record the problem and return None.

    :param name: the file, for ``file:line``.
    :param line: the line of ``data`` itself (where its key is).
    """
    try:
        return msgspec.convert(data, kind, strict=True)
    except msgspec.ValidationError as exc:
        match = _AT.match(str(exc))
        assert match is not None
        message, path = match["message"], match["path"] or "$"
        steps: list[str | int] = [
            key or (int(index) if index.isdigit() else index) for key, index in _STEP.findall(path)
        ]
        where = _line_of(data, steps, line)
        unknown = _UNKNOWN.match(message)
        if unknown is not None:
            field = unknown["field"]
            target = _value_at(data, steps)
            if isinstance(target, YMap) and field in target.lines:
                where = target.lines[field]
            steps.append(field)
            message = f"unknown key `{field}`{_expected(kind, steps[:-1])}"
        shape = tuple("[]" if isinstance(s, int) else s for s in steps)
        worded = hint(shape, message) if hint is not None else None
        problems.error(name, where, worded or _with_path(steps, message))
        return None


def _line_of(data: Any, steps: list[str | int], line: int) -> int:
    """Return the line of the key or item ``steps`` lead to (as far as they exist)."""
    node = data
    for step in steps:
        if isinstance(node, YMap) and isinstance(step, str) and step in node:
            line, node = node.lines[step], node[step]
            continue
        if isinstance(node, YList) and isinstance(step, int) and step < len(node):
            line, node = node.lines[step], node[step]
            continue
        break
    return line


def _value_at(data: Any, steps: list[str | int]) -> Any:
    node = data
    for step in steps:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _expected(kind: Any, steps: list[str | int]) -> str:
    """Return " in `x.y` (expected one of: ...)" naming the fields of the Struct at
    ``steps`` (empty when it is not a Struct)."""
    node: Any = kind
    for step in steps:
        node = _inner(node)
        if isinstance(step, int) or get_origin(node) is dict:
            args = get_args(node)
            node = args[-1] if args else None
        elif _is_struct(node):
            field = next((f for f in msgspec.structs.fields(node) if f.encode_name == step), None)
            node = field.type if field is not None else None
        else:
            return ""
    node = _inner(node)
    if not _is_struct(node):
        return ""
    names = ", ".join(f.encode_name for f in msgspec.structs.fields(node))
    where = ".".join(s for s in steps if isinstance(s, str))
    return f"{f' in `{where}`' if where else ''} (expected one of: {names})"


def _is_struct(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, msgspec.Struct)


def _inner(kind: Any) -> Any:
    """Return ``X`` for ``X | None`` and ``Annotated[X, ...]``; anything else as is."""
    if get_origin(kind) is Annotated:
        return _inner(get_args(kind)[0])
    args = [a for a in get_args(kind) if a is not type(None)]
    if get_origin(kind) in (UnionType, Union) and len(args) == 1:
        return _inner(args[0])
    return kind


def _with_path(steps: list[str | int], message: str) -> str:
    if not steps:
        return message
    dotted = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")
    return f"`{dotted}`: {message}"
