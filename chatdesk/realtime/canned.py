"""The ``/operator`` namespace's canned responses: everyone lists them, admins write them
(the composer's ``/shortcut``)."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidPayload
from ..models import CannedResponse, Operator
from ..services import Services
from ..wire import decode
from ..wire.operator import CannedDeleteIn, CannedSaveIn
from ..wire.visitor import NothingIn
from .namespace import BaseNamespace, acked

__all__ = ["CannedEvents"]


class CannedEvents(BaseNamespace):
    """Handlers of ``canned``, ``canned_save`` and ``canned_delete``;
    :class:`~chatdesk.realtime.OperatorNamespace` inherits them."""

    services: Services

    async def _operator(self, sid: str) -> Operator:
        raise NotImplementedError  # the namespace's own: session, account, flood bucket

    @acked
    async def on_canned(self, sid: str, data: Any) -> dict[str, Any]:
        """List canned responses (for ``/shortcut`` in the composer)."""
        decode(NothingIn, data, "canned")
        await self._operator(sid)
        responses = await self.services.canned.list()
        return {"responses": [r.to_payload() for r in responses]}

    @acked
    async def on_canned_save(self, sid: str, data: Any) -> dict[str, Any]:
        """Create or replace a canned response (admins only)."""
        request = decode(CannedSaveIn, data, "canned_save")
        operator = await self._operator(sid)
        text = request.text.strip()
        if not text:
            raise InvalidPayload("`text` must not be empty")
        await self.services.canned.save(
            operator,
            CannedResponse(
                request.shortcut, request.lang, text, status=request.status,
                tags=tuple(request.tags),
            ),
        )  # fmt: skip
        return {}

    @acked
    async def on_canned_delete(self, sid: str, data: Any) -> dict[str, Any]:
        """Delete a canned response (admins only)."""
        request = decode(CannedDeleteIn, data, "canned_delete")
        operator = await self._operator(sid)
        await self.services.canned.delete(operator, request.shortcut, request.lang)
        return {}
