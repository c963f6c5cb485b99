"""A browser and system named from a User-Agent header in a few words of our own ("Safari",
"iOS"), never the header's text itself (the client chose it): for the new-browser mail
and the operators' list of their sessions."""

from __future__ import annotations

import re

__all__ = ["describe_agent"]

#: (name, pattern) in the order they are tried: Edge and Opera say "Chrome" too, and
#: Chrome says "Safari".
_BROWSERS = (
    ("Edge", r"\bEdg(e|A|iOS)?/"),
    ("Opera", r"\bOPR/"),
    ("Firefox", r"\b(Firefox|FxiOS)/"),
    ("Chrome", r"(Chrome|Chromium|CriOS)/"),  # HeadlessChrome too
    ("Safari", r"\bSafari/"),
)
_SYSTEMS = (
    ("Android", r"\bAndroid\b"),
    ("iOS", r"\b(iPhone|iPad|iPod)\b"),
    ("Windows", r"\bWindows\b"),
    ("macOS", r"\bMac OS X\b|\bMacintosh\b"),
    ("ChromeOS", r"\bCrOS\b"),
    ("Linux", r"\bLinux\b"),
)


def describe_agent(agent: str) -> tuple[str, str]:
    """Return (browser, system) named from a User-Agent ("" where not recognised)."""
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, agent)), "")
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, agent)), "")
    return browser, system
