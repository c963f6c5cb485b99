"""Malformed payloads thrown at every event of a running server (hypothesis).

The server never crashes, every call gets an error ack with a code (``typing``, which has
no ack, an ``error`` event), and nothing stored changes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chatdesk.errors import InvalidPayload
from chatdesk.web.appkeys import SERVICES
from chatdesk.wire import INCOMING, decode

from .clients import OperatorClient, VisitorClient

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
EVENTS = [(namespace, event) for namespace, events in INCOMING.items() for event in events]


def payloads(kind: type[msgspec.Struct]) -> st.SearchStrategy[Any]:
    """Anything JSON, and objects with the event's real field names (plus an unknown one)
    holding anything: mostly near misses, the interesting kind."""
    names = [f.encode_name for f in msgspec.structs.fields(kind)] + ["zz"]
    return JSON | st.dictionaries(st.sampled_from(names), JSON, max_size=len(names))


def malformed(kind: type[msgspec.Struct], event: str, payload: Any) -> bool:
    try:
        decode(kind, payload, event)
    except InvalidPayload:
        return True
    return False


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        # Job leases are renewed in the background, whatever clients send.
        return [line for line in conn.iterdump() if not line.startswith('INSERT INTO "leases"')]
    finally:
        conn.close()


@pytest.fixture
async def clients(server: Any) -> Any:
    services = server.app[SERVICES]
    admin = await services.operators.add(
        "root@desk.test",
        name="Root",
        role="admin",
        departments=("general",),
        languages=("en",),
        password="correct horse battery",
    )
    token, _ = services.operators.tokens.issue(admin)
    visitor = VisitorClient(str(server.make_url("")))
    operator = OperatorClient(str(server.make_url("")))
    await visitor.connect()
    await operator.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
    await visitor.say("something stored before")
    yield {"/visitor": visitor, "/operator": operator}
    await visitor.close()
    await operator.close()


@hypothesis_settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_malformed_payloads_get_error_acks_and_change_nothing(
    clients: dict[str, VisitorClient], server: Any, settings: Any, data: st.DataObject
) -> None:
    path = settings.data_dir / "chatdesk.sqlite3"
    namespace, event = data.draw(st.sampled_from(EVENTS), label="event")
    kind = INCOMING[namespace][event]  # type: ignore[index]
    payload = data.draw(payloads(kind).filter(lambda p: malformed(kind, event, p)), label="payload")
    client = clients[namespace]
    before = dump(path)
    if event == "typing":  # no ack: the error comes as an event
        await client.sio.emit(event, payload, namespace=namespace)
        error = await client.next("error")
        assert error["code"]
    else:
        ack = await client.call(event, payload)
        assert ack["ok"] is False and ack["error"]["code"], (event, payload, ack)
    assert dump(path) == before


async def test_the_server_still_serves_after_the_fuzzing(clients: dict[str, VisitorClient]) -> None:
    visitor, operator = clients["/visitor"], clients["/operator"]
    assert (await visitor.call("history", {"since": 0}))["ok"] is True
    assert (await operator.call("inbox", {"view": "all"}))["ok"] is True
