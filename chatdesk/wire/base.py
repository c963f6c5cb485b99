"""Base classes of every wire type: strict input structs, documented output structs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

__all__ = [
    "ID",
    "LANG",
    "MAX_INT",
    "MAX_QUERY",
    "PRIORITY",
    "TIME_SPENT_MAX",
    "ClientId",
    "ErrorOut",
    "In",
    "Lang",
    "Out",
    "Priority",
    "TimeSpent",
    "Ts",
]

#: The largest integer a JavaScript client can represent exactly (and SQLite can store).
MAX_INT = 2**53 - 1
LANG = ("fr", "nl", "en")
#: The longest search or suggestion text accepted, in characters.
MAX_QUERY = 500
PRIORITY = ("urgent", "high", "normal", "low")

Lang = Literal["fr", "nl", "en"]
Priority = Literal["urgent", "high", "normal", "low"]
#: An opaque identifier sent by a client (conversation, message, entry...).
ID = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
#: The most minutes one reply or note may record as time spent on its ticket (a day).
TIME_SPENT_MAX = 24 * 60
#: Minutes an operator worked on a ticket, recorded with a reply or note (0: none).
TimeSpent = Annotated[int, msgspec.Meta(ge=0, le=TIME_SPENT_MAX)]
#: A client-chosen id making a retry idempotent (a UUID).
ClientId = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
#: People in Cc of a ticket: e-mail addresses, at most 10.
CcList = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=3, max_length=254)]], msgspec.Meta(max_length=10)
]
#: A ticket's tags (the service checks each one's form), at most 10.
TagList = Annotated[list[Annotated[str, msgspec.Meta(max_length=60)]], msgspec.Meta(max_length=10)]
#: On hold until then: ISO 8601 with its zone (``2026-12-08T09:00:00+01:00``), in the
#: coming year.
HoldUntil = Annotated[str, msgspec.Meta(max_length=40)]
#: An ISO 8601 UTC time with milliseconds: ``2026-11-22T09:15:02.123Z``.
Ts = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")]


class In(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a client sends: unknown fields are refused, every constraint is checked."""


class Out(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the server sends. Clients must ignore fields they do not know (new optional
    fields may appear); the test clients check every event against these."""


class ErrorOut(Out, omit_defaults=True):
    """An error: a stable machine ``code`` and English prose for developers."""

    code: str
    message: str
    #: ``invalid_fields`` only: the first custom field at fault, and a message per field
    #: (in the ticket's language).
    field: str | None = None
    fields: dict[str, str] | None = None


def schema_ref(kind: Any) -> dict[str, Any]:
    """Return a JSON Schema reference to ``kind`` (for the exported schema)."""
    return {"$ref": f"#/$defs/{kind.__name__}"}
