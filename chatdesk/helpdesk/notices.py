"""Service notices: admins publish maintenance and outage notices to all or some customers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from ..errors import Forbidden, InvalidPayload, NotFound
from ..events import Event, NoticePublished
from ..models import Operator, ServiceNotice, Severity, new_id, utcnow
from ..store import Store

__all__ = ["ANNOUNCE_AHEAD", "NoticeService"]

#: How long before it starts the portal shows a scheduled notice (as planned).
ANNOUNCE_AHEAD = timedelta(days=7)


class NoticeService:
    """Publish, list and end service notices (the body is Markdown, sanitised where it is
    shown)."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def publish(
        self,
        operator: Operator | None,
        *,
        title: str,
        body: str,
        severity: str = "info",
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        audience: Sequence[str] = (),
    ) -> tuple[ServiceNotice, list[Event]]:
        """Publish a notice (admins only; ``operator`` None: an admin at the command line,
        ``published_by`` is ``cli``); ``audience``: organisation ids (empty: all)."""
        if operator is not None and not operator.is_admin:
            raise Forbidden("only admins publish service notices")
        title = " ".join(title.split())
        if not 1 <= len(title) <= 200 or not body.strip() or len(body) > 20_000:
            raise InvalidPayload(
                "a notice needs a title (1-200) and a body (up to 20000)", code="notice_text"
            )
        if severity not in tuple(Severity):
            raise InvalidPayload(
                f"severity must be one of: {', '.join(Severity)}", code="notice_severity"
            )
        now = self.clock()
        starts = starts_at or now
        if ends_at is not None and ends_at <= starts:
            raise InvalidPayload("a notice must end after it starts", code="notice_ends")
        for organisation_id in audience:
            if await self.store.requesters.get_organisation(organisation_id) is None:
                raise NotFound(f"no organisation {organisation_id!r}", code="unknown_org")
        notice = ServiceNotice(
            new_id(), title, body.strip(), Severity(severity), starts, ends_at,
            tuple(dict.fromkeys(audience)), operator.id if operator else "cli", now,
        )  # fmt: skip
        await self.store.notices.add_notice(notice)
        return notice, [NoticePublished(notice)]

    async def active(self, organisation_id: str | None = None) -> list[ServiceNotice]:
        """Return the notices showing now to everyone (plus an organisation's own)."""
        return await self.store.notices.active_notices(self.clock(), organisation_id)

    async def announced(self, organisation_id: str | None = None) -> list[ServiceNotice]:
        """Return the notices showing now (newest first), then those starting within
        :data:`ANNOUNCE_AHEAD` (soonest first): what the portal shows."""
        now = self.clock()
        notices = await self.store.notices.active_notices(
            now, organisation_id, starting_before=now + ANNOUNCE_AHEAD
        )
        running = [n for n in notices if n.starts_at <= now]
        planned = sorted((n for n in notices if n.starts_at > now), key=lambda n: n.starts_at)
        return running + planned

    async def list(self) -> list[ServiceNotice]:
        """Return the newest notices."""
        return await self.store.notices.list_notices()

    async def end(self, operator: Operator | None, notice_id: str) -> None:
        """End a notice now (admins only; ``operator`` None: the command line)."""
        if operator is not None and not operator.is_admin:
            raise Forbidden("only admins end service notices")
        if not await self.store.notices.end_notice(notice_id, self.clock()):
            raise NotFound("no such running notice", code="notice_gone")
