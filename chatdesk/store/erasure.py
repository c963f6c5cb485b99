"""The statements that erase a requester (GDPR art. 17), shared by both backends: what
identifies or was written by or about them goes; their tickets stay, anonymous, for the
desk's statistics (number, type, department, priority, status, dates, SLA, rating score)."""

from __future__ import annotations

__all__ = ["ERASED_SUBJECT", "erase_statements"]

#: What an erased ticket's subject becomes (lists still show a line for it).
ERASED_SUBJECT = "—"

_TICKETS = "(SELECT id FROM tickets WHERE requester_id = ?)"
_CHATS = (
    "(SELECT conversation_id FROM tickets WHERE requester_id = ? AND conversation_id IS NOT NULL)"
)

# (statement, its one parameter: the requester's "id" or "email"). Order matters: the
# tickets are found by requester_id, which the last ticket statement clears.
_STATEMENTS: list[tuple[str, str]] = [
    (f"DELETE FROM feedback WHERE conversation_id IN {_CHATS}", "id"),
    (f"DELETE FROM choices WHERE conversation_id IN {_CHATS}", "id"),
    (f"DELETE FROM messages WHERE conv IN (SELECT num FROM conversations WHERE id IN {_CHATS})",
     "id"),
    (f"DELETE FROM attachments WHERE ticket_id IN {_TICKETS}", "id"),
    (f"DELETE FROM ticket_messages WHERE ticket_id IN {_TICKETS}", "id"),
    (f"DELETE FROM ticket_search WHERE ticket_id IN {_TICKETS}", "id"),
    # A subject's change keeps the old and new subjects, a Cc change the addresses: they go.
    (
        "UPDATE ticket_events SET data = '{}'"
        f" WHERE kind IN ('subject', 'cc') AND ticket_id IN {_TICKETS}",
        "id",
    ),
    (f"DELETE FROM mail_feed WHERE ticket_id IN {_TICKETS}", "id"),
    (f"DELETE FROM mail_outbox WHERE ticket_id IN {_TICKETS}", "id"),
    (
        f"UPDATE tickets SET subject = '{ERASED_SUBJECT}', requester_name = '',"
        " requester_email = '', description = '', fields = '{}', rating_comment = '',"
        " cc = '', requester_id = NULL WHERE requester_id = ?",
        "id",
    ),
    ("DELETE FROM site_seats WHERE requester_id = ?", "id"),
    (
        "DELETE FROM mail_feed WHERE source = 'invitation'"
        " AND ref_id IN (SELECT id FROM invitations WHERE email = ?)",
        "email",
    ),
    ("DELETE FROM invitations WHERE email = ?", "email"),
    # In Cc of other people's tickets (a comma-joined list), and in their Cc history.
    (
        "UPDATE tickets SET cc = trim(replace(',' || cc || ',', ',' || ? || ',', ','), ',')"
        " WHERE cc <> ''",
        "email",
    ),
    (
        "UPDATE ticket_events SET data = replace(data, '\"' || ? || '\"', '\"—\"')"
        " WHERE kind = 'cc'",
        "email",
    ),
    ("DELETE FROM mail_outbox WHERE recipient = ?", "email"),
    ("DELETE FROM mail_held WHERE sender = ?", "email"),
    ("DELETE FROM mail_bounces WHERE email = ?", "email"),
    ("DELETE FROM requesters WHERE id = ?", "id"),
]  # fmt: skip


def erase_statements(placeholder: str) -> list[tuple[str, str]]:
    """Return the statements with ``placeholder`` (``?`` or ``$1``) for their parameter."""
    return [(sql.replace("?", placeholder), param) for sql, param in _STATEMENTS]
