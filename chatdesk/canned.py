"""Canned responses: everyone reads them, admins write them (console pages and socket alike)."""

from __future__ import annotations

from dataclasses import replace

from .errors import Forbidden, NotFound
from .helpdesk.common import clean_tags
from .models import CannedResponse, Operator
from .store import Store

__all__ = ["CannedService"]


class CannedService:
    """List, save and delete canned responses, with the admin rule in one place.

    :param store: where canned responses live.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    async def list(self, lang: str | None = None) -> list[CannedResponse]:
        """Return the canned responses (of one language), by shortcut."""
        return await self.store.canned.list_canned(lang)

    async def save(self, operator: Operator, response: CannedResponse) -> None:
        """Create or replace a canned response (admins only); its tags are written as a
        ticket's are. :raises InvalidPayload: ``tags``."""
        self._check_admin(operator)
        tags = tuple(sorted(clean_tags(response.tags)))
        await self.store.canned.save_canned(replace(response, tags=tags))

    async def delete(self, operator: Operator, shortcut: str, lang: str) -> None:
        """Delete a canned response (admins only).

        :raises NotFound: if there is no such response.
        """
        self._check_admin(operator)
        if not await self.store.canned.delete_canned(shortcut, lang):
            raise NotFound("no such canned response")

    @staticmethod
    def _check_admin(operator: Operator) -> None:
        if not operator.is_admin:
            raise Forbidden("only admins may change canned responses")
