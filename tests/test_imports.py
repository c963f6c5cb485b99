"""Every module imports on its own (no import cycles), as aiohttp's test suite checks."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import chatdesk

_SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "chatdesk" or m.startswith("chatdesk.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {exc!r}")
print("\\n".join(failed))
"""


def test_every_module_imports_on_its_own() -> None:
    names = sorted(
        m.name
        for m in pkgutil.walk_packages(chatdesk.__path__, "chatdesk.")
        if m.name != "chatdesk.__main__"  # importing it runs the CLI
    )
    assert len(names) > 50
    # Two processes, one per core: each module imported after forgetting every other.
    halves = [names[0::2], names[1::2]]
    running = [
        subprocess.Popen([sys.executable, "-c", _SCRIPT, *half], stdout=subprocess.PIPE, text=True)
        for half in halves
    ]
    failures = [p.communicate(timeout=300)[0].strip() for p in running]
    assert [p.returncode for p in running] == [0, 0]
    assert failures == ["", ""]
