"""The senders the desk takes nothing from: addresses and domains, checked where people
file or write (mail, the web form, the portal, a chat's ticket)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from ..errors import Conflict, Forbidden, InvalidPayload, NotFound
from ..models import BlockedSender, Visitor, utcnow
from ..operators import normalize_email
from ..store import Store
from .texts import helpdesk_text

__all__ = ["NOTE_MAX", "BlockList", "normalize_pattern"]

#: A note says why (``"offers every Monday"``), in a line.
NOTE_MAX = 200
#: A domain: two labels or more, letters (any script), digits and hyphens.
_LABEL = r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?"
_DOMAIN = re.compile(rf"^(?=.{{3,253}}$)(?:{_LABEL}\.)+[^\W_\d](?:(?:[^\W_]|-)*[^\W_])?$")


def normalize_pattern(text: str) -> str:
    """Return what an admin typed as a pattern: ``someone@example.com`` (an address),
    ``example.com``, ``@example.com`` or ``*@example.com`` (a domain, kept as
    ``example.com``); lower-cased.

    :raises InvalidPayload: ``invalid_pattern``.
    """
    text = text.strip().lower()
    domain = (
        text.removeprefix("*").removeprefix("@") if text[:2] in ("*@",) or text[:1] == "@" else ""
    )
    if domain or "@" not in text:
        domain = domain or text
        if not _DOMAIN.match(domain):
            raise InvalidPayload(
                f"{text[:80]!r} is neither an e-mail address nor a domain such as example.com",
                code="invalid_pattern",
            )
        return domain
    try:
        return normalize_email(text)
    except InvalidPayload:
        raise InvalidPayload(
            f"{text[:80]!r} is neither an e-mail address nor a domain such as example.com",
            code="invalid_pattern",
        ) from None


class BlockList:
    """Keep the block list and say whether an address is on it (each stop is counted)."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def entries(self) -> list[BlockedSender]:
        """Return every entry, by pattern."""
        return await self.store.blocks.list_blocked()

    async def visitors(self) -> list[tuple[Visitor, str | None]]:
        """Return the chat visitors operators blocked, for now, with their latest
        conversation's id (the block that ends first first)."""
        return await self.store.conversations.blocked_visitors(self.clock())

    async def add(self, text: str, *, note: str = "", created_by: str = "") -> BlockedSender:
        """Block the address or domain ``text`` (see :func:`normalize_pattern`).

        :raises InvalidPayload: ``invalid_pattern``, or a note past :data:`NOTE_MAX`.
        :raises Conflict: ``already_blocked``.
        """
        note = " ".join(note.split())
        if len(note) > NOTE_MAX:
            raise InvalidPayload(f"a note is {NOTE_MAX} characters at most", code="note_too_long")
        entry = BlockedSender(normalize_pattern(text), self.clock(), note, created_by)
        if not await self.store.blocks.block(entry):
            raise Conflict(f"{entry.pattern} is blocked already", code="already_blocked")
        return entry

    async def remove(self, text: str) -> str:
        """Unblock ``text`` (as typed or as listed); return the pattern.

        :raises NotFound: ``not_blocked``.
        """
        pattern = normalize_pattern(text)
        if not await self.store.blocks.unblock(pattern):
            raise NotFound(f"{pattern} is not blocked", code="not_blocked")
        return pattern

    async def find(self, address: str) -> BlockedSender | None:
        """Return the entry that blocks ``address``, or None (not counted: a look)."""
        return await self.store.blocks.matching(address)

    async def stops(self, address: str) -> BlockedSender | None:
        """Return the entry that blocks ``address`` (counting it), or None."""
        return await self.store.blocks.matching(address, self.clock())

    async def check(self, address: str, lang: str) -> None:
        """Refuse ``address`` if it is blocked.

        :raises Forbidden: ``blocked``, in ``lang``: the same words whatever the entry,
            so that nobody learns whether a domain or an address is blocked.
        """
        if await self.stops(address) is not None:
            raise Forbidden(helpdesk_text(lang, "blocked"), code="blocked")
