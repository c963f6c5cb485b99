"""``chatdesk init [DIR] --preset NAME``: write a ready desk (config, knowledge, README)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from rich.console import Console
from rich.prompt import Prompt

from ..config import LANGUAGES, Settings
from ..deskconfig import load_desk_config
from ..errors import ConfigError
from ..hours import DAYS
from ..presets import Preset, find_preset, list_presets

__all__ = ["Answers", "add_parser", "ask", "set_key", "set_table", "write_desk"]

CONFIG = "chatdesk.toml"
_BLOCK = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``init`` to the command line."""
    init = commands.add_parser("init", help="write a ready desk from a preset (docs/desks.md)")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), help="folder (default .)")
    init.add_argument("--preset", help="the desk to start from (see --list)")
    init.add_argument("--name", help="the desk's name, shown to requesters")
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    init.add_argument("--list", action="store_true", help="list the presets and exit")
    init.set_defaults(func=_init)


@dataclass(frozen=True)
class Answers:
    """What the admin chose: the preset and what to change in it."""

    preset: Preset
    name: str | None = None
    languages: tuple[str, ...] = ()
    timezone: str | None = None
    #: Opening blocks of Monday to Friday (``09:00-12:00``); empty: the preset's week.
    hours: tuple[str, ...] = ()


def _init(args: argparse.Namespace, settings: Settings) -> int:
    presets = list_presets()
    if args.list:
        width = max((len(p.name) for p in presets), default=0)
        for preset in presets:
            print(f"{preset.name:<{width}}  {preset.description}")
        return 0
    if args.preset is not None:
        found = find_preset(args.preset)
        if found is None:
            names = ", ".join(p.name for p in presets)
            raise ConfigError(f"init: no preset {args.preset!r} (presets: {names})")
        answers = Answers(found, name=args.name)
    elif sys.stdin.isatty():
        answers = ask(presets, name=args.name)
    else:
        raise ConfigError(
            "init: no terminal to ask questions on: choose a desk with --preset NAME "
            "(chatdesk init --list shows them)"
        )
    return write_desk(args.dir, answers, force=args.force)


def ask(presets: list[Preset], *, name: str | None = None, stream: TextIO | None = None) -> Answers:
    """Ask the preset, name, languages, time zone and opening hours (``stream``: tests'
    answers)."""
    console = Console()
    console.print("[bold]A new chatdesk[/bold]: a few questions (Enter keeps the default).")
    for preset in presets:
        console.print(f"  [cyan]{preset.name}[/cyan]  {preset.description}")
    names = [p.name for p in presets]
    chosen = Prompt.ask("Preset", choices=names, default=names[0], stream=stream)
    preset = next(p for p in presets if p.name == chosen)
    name = Prompt.ask("The desk's name", default=name or "", stream=stream) or None
    while True:
        text = Prompt.ask(
            "Languages, the default first (fr, nl, en)",
            default=",".join(preset.languages),
            stream=stream,
        )
        languages = tuple(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))
        if languages and all(lang in LANGUAGES for lang in languages):
            break
        console.print("[red]Choose among fr, nl and en, separated by commas.[/red]")
    default_zone, default_hours = _preset_hours(preset)
    while True:
        timezone = Prompt.ask("Time zone", default=default_zone, stream=stream)
        try:
            ZoneInfo(timezone)
            break
        except (ZoneInfoNotFoundError, ValueError):
            console.print(f"[red]{timezone!r} is not a time zone such as Europe/Paris.[/red]")
    while True:
        text = Prompt.ask(
            "Opening hours, Monday to Friday", default=", ".join(default_hours), stream=stream
        )
        hours = tuple(block.strip() for block in text.split(",") if block.strip())
        if _valid_hours(hours):
            break
        console.print("[red]Give blocks in order such as 09:00-12:00, 13:30-18:00.[/red]")
    return Answers(preset, name=name, languages=languages, timezone=timezone, hours=hours)


def _preset_hours(preset: Preset) -> tuple[str, list[str]]:
    """Return the preset's time zone and the opening blocks of its first open day."""
    data = msgspec.toml.decode((preset.folder / CONFIG).read_bytes())
    hours = data.get("hours", {})
    week = hours.get("week") or {"monday": ["09:00-18:00"]}
    first = next((blocks for blocks in week.values() if blocks), ["09:00-18:00"])
    return str(hours.get("timezone", "Europe/Brussels")), [str(b) for b in first]


def _valid_hours(blocks: tuple[str, ...]) -> bool:
    """Tell whether ``blocks`` are ``HH:MM-HH:MM`` blocks in order, not overlapping."""
    bounds: list[time] = []
    for block in blocks:
        if not _BLOCK.match(block):
            return False
        try:
            start, end = (time.fromisoformat(part) for part in block.split("-"))
        except ValueError:
            return False
        bounds += [start, end]
    return bool(bounds) and all(a < b for a, b in pairwise(bounds))


def write_desk(folder: Path, answers: Answers, *, force: bool = False) -> int:
    """Copy the preset into ``folder`` with the answers applied; print what was written."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"init: {folder} is not a folder")
    files = answers.preset.files()
    if not force:
        # The configuration first: the file an admin would most regret losing.
        paths = sorted((path for path, _ in files), key=lambda path: path != CONFIG)
        existing = [path for path in paths if (folder / path).exists()]
        if existing:
            raise ConfigError(
                f"init: {folder / existing[0]} already exists: keep it, or run again "
                "with --force to overwrite the preset's files"
            )
    written: list[Path] = []
    for path, source in files:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if path == CONFIG:
            target.write_text(_configure(source.read_text(encoding="utf-8"), answers), "utf-8")
        else:
            target.write_bytes(source.read_bytes())
        written.append(target)
    load_desk_config(folder / CONFIG)  # what we wrote must start: say so now if not
    languages = answers.languages or answers.preset.languages
    env = _default_lang(folder / ".env", languages[0])
    print(f"Wrote the {answers.preset.name} desk in {folder}:")
    for target in [*written, *([env] if env else [])]:
        print(f"  {target}")
    print(f"Read {folder / 'README.md'}: what the desk promises and the settings that keep it.")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    print(f"Next: {where}chatdesk serve")
    return 0


def _configure(text: str, answers: Answers) -> str:
    if answers.name:
        text = set_key(text, "desk", "name", answers.name)
    if answers.timezone:
        text = set_key(text, "hours", "timezone", answers.timezone)
    if answers.hours:
        blocks = json.dumps(list(answers.hours))
        week = "".join(f"{day} = {blocks}\n" for day in DAYS[:5])
        text = set_table(text, "hours.week", week)
    return text


def set_table(text: str, table: str, body: str) -> str:
    """Replace the keys of ``[table]`` in TOML ``text`` by ``body`` (add it if missing)."""
    header = re.compile(rf"^\[{re.escape(table)}\]\s*(#.*)?$", re.M)
    found = header.search(text)
    if found is None:
        return f"{text.rstrip()}\n\n[{table}]\n{body}"
    start = found.end()
    following = re.compile(r"^\s*\[", re.M).search(text, start)
    if following is None:
        return f"{text[:start]}\n{body}"
    return f"{text[:start]}\n{body}\n{text[following.start() :].lstrip()}"


def set_key(text: str, table: str, key: str, value: str) -> str:
    """Set ``key`` of ``[table]`` to the string ``value`` in TOML ``text``, keeping the
    rest of the file (comments too) as it is; add the table or key when missing."""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    header = re.compile(rf"^\[{re.escape(table)}\]\s*(#.*)?$", re.M)
    found = header.search(text)
    if found is None:
        return f"[{table}]\n{line}\n\n{text}"
    start = found.end()
    following = re.compile(r"^\s*\[", re.M).search(text, start)
    end = following.start() if following else len(text)
    body = text[start:end]
    current = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
    found_key = current.search(body)
    body = current.sub(lambda _: line, body, count=1) if found_key else f"\n{line}{body}"
    return text[:start] + body + text[end:]


def _default_lang(env: Path, lang: str) -> Path | None:
    """Make ``lang`` the desk's default language in ``.env`` unless one is set there."""
    existing = env.read_text(encoding="utf-8") if env.exists() else ""
    if re.search(r"^\s*CHATDESK_DEFAULT_LANG\s*=", existing, re.M):
        return None
    separator = "" if not existing or existing.endswith("\n") else "\n"
    env.write_text(f"{existing}{separator}CHATDESK_DEFAULT_LANG={lang}\n", encoding="utf-8")
    return env
