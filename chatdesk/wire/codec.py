"""Decoding what clients send into wire structs, and msgspec as python-socketio's JSON."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import msgspec

from ..errors import InvalidPayload

__all__ = ["SocketJson", "decode", "encode"]

T = TypeVar("T", bound=msgspec.Struct)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()
#: Longest error message sent back (msgspec names unknown fields, which may be huge).
_MAX_MESSAGE = 300


def decode(kind: type[T], data: Any, event: str) -> T:
    """Validate ``data`` (already decoded from JSON) as a ``kind``.

    ``None`` (an event sent without a payload) stands for ``{}``: accepted when every
    field of ``kind`` is optional.

    :raises InvalidPayload: naming the event and the field at fault.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidPayload(f"`{event}` expects an object")
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise InvalidPayload(f"`{event}`: {exc}"[:_MAX_MESSAGE]) from None


def encode(value: Any) -> bytes:
    """Return ``value`` (structs, dicts, lists...) as JSON."""
    return _encoder.encode(value)


class SocketJson:
    """The ``json`` module python-socketio and python-engineio use for packets: msgspec
    (faster, and it encodes wire structs directly), with the standard library as the
    fallback for what msgspec refuses to read (``NaN``: still refused, as before)."""

    @staticmethod
    def dumps(value: Any, **_: Any) -> str:
        """Encode a packet's payload."""
        return _encoder.encode(value).decode()

    @staticmethod
    def loads(text: str | bytes) -> Any:
        """Decode a packet's payload."""
        try:
            return _decoder.decode(text)
        except msgspec.DecodeError:
            return json.loads(text)
