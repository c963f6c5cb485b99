"""The docs stay true: every module is in docs/architecture.md, and every module it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_is_in_the_architecture_doc() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "chatdesk"
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    missing = [m for m in modules if f"`{m}`" not in text]
    assert not missing, f"add these modules to docs/architecture.md: {missing}"


def test_every_module_the_architecture_doc_names_exists() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w/]+\.py)`", text))
    gone = sorted(
        name
        for name in named
        if not (ROOT / "chatdesk" / name).exists() and not (ROOT / name).exists()
    )
    assert not gone, f"docs/architecture.md names modules that do not exist: {gone}"


def test_the_committed_protocol_schema_is_current() -> None:
    from chatdesk.commands.schema import render

    committed = ROOT / "widget" / "src" / "generated" / "protocol.schema.json"
    assert committed.read_text(encoding="utf-8") == render(), (
        "the wire structs changed: run `chatdesk schema --out "
        "widget/src/generated/protocol.schema.json` (then `make widget` for the TS types)"
    )
