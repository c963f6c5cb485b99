"""The desks ``chatdesk init`` writes: one folder per preset beside this module.

Each folder holds ``chatdesk.toml``, ``knowledge/`` (topic YAML files, ``_bot.yaml``, an
optional ``tests.yaml``) and ``README.md`` (its first line describes the desk). Presets are
found by scanning this package, so a new folder is a new preset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import yaml

__all__ = ["LANGUAGES_FALLBACK", "Preset", "find_preset", "list_presets"]

#: The languages of a preset whose knowledge has no ``_bot.yaml``.
LANGUAGES_FALLBACK = ("en",)
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Preset:
    """A ready desk: its folder in the package, and what ``init --list`` says of it."""

    name: str
    description: str
    folder: Traversable

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the desk's languages, first the default: those of its bot's texts."""
        bot = self.folder / "knowledge" / "_bot.yaml"
        if bot.is_file():
            data = yaml.safe_load(bot.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                found = tuple(k for k in data if k in ("fr", "nl", "en"))
                if found:
                    return found
        return LANGUAGES_FALLBACK

    def files(self) -> list[tuple[str, Traversable]]:
        """Return ``(relative path, file)`` for every file of the preset, sorted."""
        found: list[tuple[str, Traversable]] = []

        def walk(folder: Traversable, prefix: str) -> None:
            for entry in folder.iterdir():
                if entry.name.startswith((".", "__")):
                    continue
                if entry.is_dir():
                    walk(entry, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.append((prefix + entry.name, entry))

        walk(self.folder, "")
        return sorted(found, key=lambda item: item[0])


def list_presets() -> list[Preset]:
    """Return every preset shipped with chatdesk, by name."""
    presets = []
    for entry in resources.files(__name__).iterdir():
        readme = entry / "README.md"
        config = entry / "chatdesk.toml"
        if _NAME.match(entry.name) and entry.is_dir() and config.is_file() and readme.is_file():
            presets.append(Preset(entry.name, _first_line(readme), entry))
    return sorted(presets, key=lambda p: p.name)


def find_preset(name: str) -> Preset | None:
    """Return the preset called ``name``, or None."""
    return next((p for p in list_presets() if p.name == name), None)


def _first_line(readme: Traversable) -> str:
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()
    return ""
