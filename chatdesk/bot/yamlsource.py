"""Read YAML keeping the line of every key and item, so errors can say ``file:line``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Problem", "Problems", "YList", "YMap", "load_yaml"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a knowledge file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


@dataclass(slots=True)
class Problems:
    """Collects problems while a knowledge directory is read."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error (the knowledge will be refused)."""
        self.items.append(Problem(path, line, message))

    def warn(self, path: str, line: int, message: str) -> None:
        """Record a warning (reported, not fatal)."""
        self.items.append(Problem(path, line, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        """Return the errors, in the order found."""
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        """Return the warnings, in the order found."""
        return [p for p in self.items if p.warning]


class YMap(dict[str, Any]):
    """A YAML mapping that remembers its own line and each key's line (1-based)."""

    line: int = 0
    lines: dict[str, int]


class YList(list[Any]):
    """A YAML sequence that remembers its own line and each item's line (1-based)."""

    line: int = 0
    lines: list[int]


def load_yaml(path: Path, problems: Problems) -> Any:
    """Parse ``path``; on a syntax error record it in ``problems`` and return None."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(name, 1, f"cannot read the file: {exc}")
        return None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(loader, node, name, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problems.error(name, line, f"YAML syntax error: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        problems.error(name, 1, f"YAML error: {exc}")
        return None
    finally:
        loader.dispose()


def _convert(loader: yaml.SafeLoader, node: yaml.Node, name: str, problems: Problems) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping = YMap()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, name, problems)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                problems.error(name, line, f"keys must be text, not {key!r}")
                continue
            if key in mapping:
                problems.error(
                    name, line, f"`{key}` is given twice (first on line {mapping.lines[key]})"
                )
                continue
            mapping[key] = _convert(loader, value_node, name, problems)
            mapping.lines[key] = line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        sequence = YList()
        sequence.line = node.start_mark.line + 1
        sequence.lines = []
        for item in node.value:
            sequence.append(_convert(loader, item, name, problems))
            sequence.lines.append(item.start_mark.line + 1)
        return sequence
    return loader.construct_object(node, deep=True)
