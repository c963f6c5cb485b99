"""Meta-test: the contract suite calls every method of every store protocol."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import get_type_hints

from chatdesk.store import Store

HERE = Path(__file__).parent


def aggregates() -> dict[str, type]:
    """Return ``{property: protocol class}`` for each aggregate store of :class:`Store`."""
    found = {}
    for name, member in inspect.getmembers(Store, lambda m: isinstance(m, property)):
        protocol = get_type_hints(member.fget)["return"]
        assert getattr(protocol, "_is_protocol", False), f"Store.{name} is not a Protocol"
        found[name] = protocol
    return found


def protocol_methods() -> list[str]:
    """Return ``aggregate.method`` for every public async method of every aggregate."""
    return [
        f"{aggregate}.{name}"
        for aggregate, protocol in aggregates().items()
        for name, _ in inspect.getmembers(protocol, inspect.iscoroutinefunction)
        if not name.startswith("_")
    ]


def uncalled(source: str) -> list[str]:
    """Return the protocol methods ``source`` never calls as ``.aggregate.method(``."""
    missing = []
    for qualified in protocol_methods():
        aggregate, method = qualified.split(".")
        if not re.search(rf"\.{aggregate}\s*\.\s*{method}\s*\(", source):
            missing.append(qualified)
    return missing


def suite_source() -> str:
    """Return the text of every contract test module but this one."""
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(HERE.glob("test_*.py"))
        if path.name != Path(__file__).name
    )


def test_every_aggregate_of_the_store_is_a_protocol_with_methods() -> None:
    found = aggregates()
    assert "conversations" in found and "leases" in found
    for aggregate, protocol in found.items():
        names = [m for m in protocol_methods() if m.startswith(f"{aggregate}.")]
        assert names, f"{protocol.__name__} has no async method"


def test_every_protocol_method_is_called_by_a_contract_test() -> None:
    missing = uncalled(suite_source())
    assert not missing, "no contract test calls: " + ", ".join(missing)


def test_the_check_names_each_method_left_out() -> None:
    every = protocol_methods()
    calls = [f"await store.{m}(x)" for m in every]
    assert uncalled("\n".join(calls)) == []
    left_out = "routing.decline_offer"
    source = "\n".join(c for c in calls if left_out not in c)
    source += f"\nalias = store.{left_out}\nstore.{left_out}_later(x)"  # neither is a call
    assert uncalled(source) == [left_out]
