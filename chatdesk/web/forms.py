"""Read an HTML form into its wire struct (400 with the reason when it does not fit)."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from aiohttp import web

from ..errors import InvalidPayload
from ..wire import decode

__all__ = ["read_form"]

T = TypeVar("T", bound=msgspec.Struct)


async def read_form(request: web.Request, kind: type[T]) -> T:
    """Return the posted form as a ``kind``; a malformed one is a 400."""
    form = await request.post()
    try:
        return decode(kind, {key: form.get(key) for key in form}, request.path)
    except InvalidPayload as exc:
        raise web.HTTPBadRequest(text=exc.message) from None
