"""``chatdesk schema``: print the wire protocol's JSON Schema (the front end's types come
from it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..config import Settings
from ..wire import json_schema

__all__ = ["add_parser", "render"]


def add_parser(commands: Any) -> None:
    """Add ``schema`` to the command line."""
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the socket protocol (both namespaces)"
    )
    schema.add_argument("--out", type=Path, help="write it to this file instead")
    schema.set_defaults(func=_run)


def render() -> str:
    """Return the schema as the committed file holds it (sorted keys, 2-space indent)."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _run(args: argparse.Namespace, settings: Settings) -> int:
    text = render()
    if args.out is None:
        print(text, end="")
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0
