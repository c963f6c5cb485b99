"""Contract of AuditStore: entries appended, read newest first a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatdesk.models import AuditAction, AuditEntry
from chatdesk.store import Store

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def entry(n: int, *, minutes: int, actor: str | None = "op1") -> AuditEntry:
    return AuditEntry(
        id=f"e{n:03d}",
        ts=T0 + timedelta(minutes=minutes),
        actor_id=actor,
        actor="ann@desk.test" if actor else "command line",
        action=AuditAction.OPERATOR_DISABLED,
        target=f"op{n}@desk.test",
        detail="role: operator -> admin" if n % 2 else "",
    )


async def test_entries_come_back_newest_first_as_written(store: Store) -> None:
    assert await store.audit.list_audit() == []
    written = [entry(1, minutes=0), entry(2, minutes=5, actor=None), entry(3, minutes=2)]
    for e in written:
        await store.audit.add_audit(e)
    assert await store.audit.list_audit() == [written[1], written[2], written[0]]
    assert await store.audit.list_audit(limit=1) == [written[1]]


async def test_pages_follow_each_other_without_gaps_or_repeats(store: Store) -> None:
    # Several entries in the same instant: the id orders them, and no page boundary
    # between them loses or repeats one.
    written = [entry(n, minutes=n // 3) for n in range(10)]
    for e in reversed(written):
        await store.audit.add_audit(e)
    seen: list[AuditEntry] = []
    before = None
    while page := await store.audit.list_audit(limit=4, before=before):
        seen.extend(page)
        before = (page[-1].ts, page[-1].id)
    assert seen == sorted(written, key=lambda e: (e.ts, e.id), reverse=True)
