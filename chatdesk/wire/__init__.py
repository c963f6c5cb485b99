"""Every payload that crosses the boundary, as msgspec structs: the protocol's one source.

Incoming structs refuse unknown fields and check every constraint; outgoing ones document
what the server sends (test clients check each event against them); the JSON Schema
(:func:`json_schema`) and the front end's TypeScript types are generated from them.
"""

from __future__ import annotations

from .codec import SocketJson, decode, encode
from .events import ACKS, INCOMING, OUTGOING, ErrorAck
from .schema import json_schema

__all__ = [
    "ACKS",
    "INCOMING",
    "OUTGOING",
    "ErrorAck",
    "SocketJson",
    "decode",
    "encode",
    "json_schema",
]
