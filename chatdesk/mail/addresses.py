"""Organisations' notification addresses, bouncing addresses, and the sign-in mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..config import LANGUAGES
from ..errors import InvalidPayload
from ..mailconfig import parse_address
from ..models import Organisation, Requester, utcnow
from ..models.mail import AddressKind, Bounce, OrgAddress, OutboxMail
from ..operators import normalize_email
from ..store import Store
from .outbox import Outbox

__all__ = ["AddressBook"]


class AddressBook:
    """Where mail goes besides requesters, and where it cannot go (without an outbox,
    as the command line builds it, it only keeps addresses)."""

    def __init__(
        self, store: Store, outbox: Outbox | None = None, *, default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.outbox = outbox
        self.default_lang = default_lang
        self.clock = clock

    async def set_org_address(
        self, organisation: Organisation, kind: str, email: str, *, on: bool = True
    ) -> bool:
        """Add (or remove) an organisation's address for ``billing``, ``support`` or
        ``abuse`` notifications; return whether anything changed."""
        if kind not in tuple(AddressKind):
            raise InvalidPayload(f"the kind must be one of: {', '.join(AddressKind)}")
        try:
            _, address = parse_address(email)
        except ValueError as exc:
            raise InvalidPayload(str(exc), code="invalid_email") from None
        return await self.store.mail.set_org_address(
            organisation.id, AddressKind(kind), normalize_email(address), on=on
        )

    async def org_addresses(self, organisation: Organisation) -> list[OrgAddress]:
        """Return an organisation's notification addresses."""
        return await self.store.mail.org_addresses([organisation.id])

    async def bounces(self) -> list[Bounce]:
        """Return the bouncing addresses, newest first."""
        return await self.store.mail.bounces()

    async def seat_requested(self, to: Requester, data: dict[str, str | int]) -> bool:
        """Tell an organisation admin (``to``) that a member was refused a site's seat;
        ``data``: who, email, site, count, editors, org, link. False when e-mail is off."""
        if self.outbox is None:
            return False
        lang = to.lang if to.lang in LANGUAGES else self.default_lang
        data = data | {"name": to.name}
        mail = OutboxMail("seat_request", to.email, lang, self.clock(), data=data)
        return await self.outbox.enqueue([mail]) == 1

    async def seat_freed(self, to: Requester, data: dict[str, str | int]) -> bool:
        """Tell an editor (``to``) that their seat on a site was freed; ``data``: site, org,
        by (who freed it; empty: the desk). False when e-mail is off."""
        if self.outbox is None:
            return False
        lang = to.lang if to.lang in LANGUAGES else self.default_lang
        mail = OutboxMail("seat_freed", to.email, lang, self.clock(), data=data | {"name": to.name})
        return await self.outbox.enqueue([mail]) == 1

    async def sign_in_requested(
        self, email: str, link: str, *, lang: str = "", minutes: int = 15, name: str = ""
    ) -> bool:
        """Send a portal sign-in link (the portal made it: single use, short-lived).
        Return False when e-mail is off."""
        if self.outbox is None:
            return False
        lang = lang if lang in LANGUAGES else self.default_lang
        data = {"link": link, "minutes": minutes, "name": name}
        mail = OutboxMail("sign_in", normalize_email(email), lang, self.clock(), data=data)
        return await self.outbox.enqueue([mail]) == 1
