"""Store protocol for the desk's retention policy (``[privacy]``), and the statements both
backends share: chats that never became a ticket are deleted, closed tickets anonymised
(as an erasure does to one requester's: chatdesk/store/erasure.py)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from ..models import PEOPLE_MODES
from .erasure import ERASED_SUBJECT

__all__ = [
    "ANONYMISE_TICKETS",
    "CHATS_DUE",
    "DELETE_CHATS",
    "DELETE_VISITORS",
    "FORGET_SEARCHES",
    "TICKETS_DUE",
    "RetentionStore",
    "Statements",
    "for_ids",
    "statements",
]


class RetentionStore(Protocol):
    """What the retention job removes, a batch at a time (each batch one transaction, so
    the writer is never held long and a stop loses nothing half done)."""

    async def count_expired(self, *, chats_before: datetime, tickets_before: datetime) -> (
        tuple[int, int]
    ):  # fmt: skip
        """Return how many chats and closed tickets :meth:`delete_chats` and
        :meth:`anonymise_tickets` would take with these limits."""
        ...

    async def delete_chats(
        self, before: datetime, *, limit: int, after: str = ""
    ) -> tuple[int, str]:
        """Delete up to ``limit`` conversations that never became a ticket, with no
        activity since ``before``: their messages, ratings and choices, and their visitor
        when no conversation of theirs is left.

        :param after: where the previous call stopped ("" : from the start), so that the
            chats kept (those with a ticket) are looked at once, not at every batch.
        :returns: how many conversations went, and where to go on from.
        """
        ...

    async def forget_searches(self, before: datetime, *, limit: int) -> int:
        """Delete up to ``limit`` help-centre searches made before ``before`` (what
        visitors typed outside a chat): searches without a good result, and searches that
        saved a ticket (deflections). Return how many went."""
        ...

    async def anonymise_tickets(self, before: datetime, *, now: datetime, limit: int) -> int:
        """Anonymise up to ``limit`` tickets closed before ``before`` and not anonymised
        yet: what identifies the requester or was written goes (messages, notes, files,
        the chat's transcript, subject, description, fields, Cc, the rating's comment);
        the number, type, channel, department, priority, dates, SLA outcome and rating
        score stay for the reports. Return how many tickets were anonymised."""
        ...


# The statements below number their placeholders as the reports' do: ``{p}1`` becomes
# ``?1`` on SQLite and ``$1`` on PostgreSQL (``str.format(p=...)``).
_PEOPLE = ", ".join(f"'{mode.value}'" for mode in sorted(PEOPLE_MODES))

#: Chats to delete (1: the cursor's minute, 2: the cut-off's minute, 3: the cut-off, 4: the
#: batch's size). The last column is where the next batch goes on from.
CHATS_DUE = (
    "SELECT c.id, c.num, c.visitor_id, c.active_minute FROM conversations c"
    " WHERE c.active_minute >= {p}1 AND c.active_minute < {p}2"
    " AND c.updated_at < {p}3 AND c.created_at < {p}3"
    f" AND c.mode NOT IN ({_PEOPLE})"
    " AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)"
    " ORDER BY c.active_minute LIMIT {p}4"
)
# Each with one parameter per row (a conversation's id, or its number for messages);
# ON DELETE CASCADE would do most of it, but saying it keeps both backends alike.
DELETE_CHATS = [
    ("DELETE FROM feedback WHERE conversation_id = {p}1", "id"),
    ("DELETE FROM choices WHERE conversation_id = {p}1", "id"),
    ("DELETE FROM declines WHERE conversation_id = {p}1", "id"),
    ("DELETE FROM messages WHERE conv = {p}1", "num"),
    ("DELETE FROM conversations WHERE id = {p}1", "id"),
]
#: A deleted chat's visitor, once they have no conversation left (1: their id).
DELETE_VISITORS = (
    "DELETE FROM visitors WHERE id = {p}1"
    " AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = visitors.id)"
)

# Help-centre searches before the cut-off, a batch at a time ({row}: SQLite's rowid or
# PostgreSQL's ctid; 1: the cut-off, 2: the batch's size).
FORGET_SEARCHES = [
    f"DELETE FROM {table} WHERE {{row}} IN"
    f" (SELECT {{row}} FROM {table} WHERE ts < {{p}}1 LIMIT {{p}}2)"
    for table in ("help_search_misses", "help_deflections")
]

#: Closed tickets to anonymise (1: the cut-off, 2: the batch's size).
TICKETS_DUE = (
    "SELECT id FROM tickets WHERE status = 'closed' AND anonymised_at IS NULL"
    " AND closed_at < {p}1 ORDER BY closed_at LIMIT {p}2"
)
_CHAT = "SELECT conversation_id FROM tickets WHERE conversation_id IS NOT NULL AND id {ids}"
# {ids} becomes "= ?" (SQLite, one execution per ticket) or "= ANY($1)" (PostgreSQL, the
# whole batch at once); :now is the time of the anonymisation.
ANONYMISE_TICKETS = [
    f"DELETE FROM feedback WHERE conversation_id IN ({_CHAT})",
    f"DELETE FROM choices WHERE conversation_id IN ({_CHAT})",
    f"DELETE FROM notes WHERE conversation_id IN ({_CHAT})",
    f"DELETE FROM messages WHERE conv IN (SELECT num FROM conversations WHERE id IN ({_CHAT}))",
    # The chat's visitor told the widget their name and address: they go too.
    "UPDATE visitors SET name = '', email = '' WHERE id IN"
    f" (SELECT visitor_id FROM conversations WHERE id IN ({_CHAT}))",
    "DELETE FROM attachments WHERE ticket_id {ids}",
    "DELETE FROM ticket_messages WHERE ticket_id {ids}",
    "DELETE FROM ticket_search WHERE ticket_id {ids}",
    "UPDATE ticket_events SET data = '{{}}' WHERE kind IN ('subject', 'cc') AND ticket_id {ids}",
    "DELETE FROM mail_feed WHERE ticket_id {ids}",
    "DELETE FROM mail_outbox WHERE ticket_id {ids}",
    f"UPDATE tickets SET subject = '{ERASED_SUBJECT}', requester_name = '',"
    " requester_email = '', description = '', fields = '{{}}', rating_comment = '', cc = '',"
    " requester_id = NULL, anonymised_at = :now WHERE id {ids}",
]


def for_ids(statement: str, ids: str, now: str) -> str:
    """Return a statement of :data:`ANONYMISE_TICKETS` with its ticket condition ``ids``
    and the anonymisation's time ``now`` (a placeholder)."""
    return statement.format(ids=ids).replace(":now", now)


class Statements(NamedTuple):
    """The statements above in one dialect (see :func:`statements`)."""

    chats_due: str
    tickets_due: str
    delete_chats: list[tuple[str, str]]
    delete_visitors: str
    forget_searches: list[str]


def statements(placeholder: str, row: str) -> Statements:
    """Return the statements with ``placeholder`` (``?`` or ``$``) before each number and
    ``row`` (``rowid`` or ``ctid``) naming a row."""
    return Statements(
        CHATS_DUE.format(p=placeholder),
        TICKETS_DUE.format(p=placeholder),
        [(sql.format(p=placeholder), key) for sql, key in DELETE_CHATS],
        DELETE_VISITORS.format(p=placeholder),
        [sql.format(p=placeholder, row=row) for sql in FORGET_SEARCHES],
    )
