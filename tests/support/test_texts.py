"""The portal's catalog: the same keys in fr, nl and en, and every key the pages use."""

from __future__ import annotations

import re
from pathlib import Path

from chatdesk.web.supportlang import texts

TEMPLATES = Path(__file__).parents[2] / "chatdesk" / "web" / "templates" / "support"
SOURCES = Path(__file__).parents[2] / "chatdesk" / "web"


def test_every_language_has_every_text() -> None:
    catalog = texts()
    assert set(catalog) == {"fr", "nl", "en"}
    assert set(catalog["fr"]) == set(catalog["nl"]) == set(catalog["en"])
    for lang, entries in catalog.items():
        for key, text in entries.items():
            assert text.strip(), f"{lang}.{key} is empty"
            # The same placeholders in every language.
            assert set(re.findall(r"\{(\w+)\}", text)) == set(
                re.findall(r"\{(\w+)\}", catalog["en"][key])
            ), f"{lang}.{key}"


def test_every_literal_key_used_exists() -> None:
    used: set[str] = set()
    for path in [*TEMPLATES.glob("*.html"), *SOURCES.glob("support*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']""", path.read_text("utf-8")))
        used |= set(re.findall(r""""(err_[a-z_]+)\"""", path.read_text("utf-8")))
    # Keys built from a value ("status_" ~ status) are checked by the pages' tests.
    missing = sorted(k for k in used - set(texts()["en"]) if not k.endswith("_"))
    assert not missing, missing
