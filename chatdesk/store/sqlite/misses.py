"""SQLite: the bot's misses, read back for ``chatdesk kb gaps`` (part of the feedback store)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...models import Miss, format_ts, parse_ts

__all__ = ["read_misses"]

# The visitor's question behind a bot message: their last message before it.
_QUESTION = """
    SELECT text FROM messages q
    WHERE q.conversation_id = b.conversation_id AND q.seq < b.seq AND q.author = 'visitor'
    ORDER BY q.seq DESC LIMIT 1
"""

_NO_ANSWER = f"""
    SELECT ({_QUESTION}), json_extract(b.extra, '$.lang'), 'no_answer', NULL, b.ts,
           b.conversation_id
    FROM messages b
    WHERE b.author = 'bot' AND json_extract(b.extra, '$.kind') IN ('no_answer', 'suggest')
      AND b.ts >= ?
"""

_THUMBS_DOWN = f"""
    SELECT ({_QUESTION}), json_extract(b.extra, '$.lang'), 'thumbs_down', f.entry_id, f.ts,
           b.conversation_id
    FROM feedback f JOIN messages b ON b.id = f.message_id
    WHERE f.useful = 0 AND f.ts >= ?
"""

# Up to the last three visitor messages before the ticket: the question is among them
# ("I want a person" itself is filtered out by the gaps tool).
_ESCALATION = """
    SELECT m.text, c.lang, 'escalation', NULL, t.created_at, t.conversation_id
    FROM tickets t
    JOIN conversations c ON c.id = t.conversation_id
    JOIN messages m ON m.conversation_id = t.conversation_id
    WHERE t.reason IN ('bot_unsure', 'visitor_request') AND t.created_at >= ?
      AND m.author = 'visitor' AND m.ts <= t.created_at
      AND m.seq IN (
          SELECT seq FROM messages v
          WHERE v.conversation_id = t.conversation_id AND v.author = 'visitor'
            AND v.ts <= t.created_at
          ORDER BY v.seq DESC LIMIT 3
      )
"""


def read_misses(conn: sqlite3.Connection, since: datetime | None, limit: int) -> list[Miss]:
    """Return the bot's misses since ``since``, newest first (inside a worker job)."""
    start = format_ts(since) if since is not None else ""
    rows = conn.execute(
        f"SELECT * FROM ({_NO_ANSWER} UNION ALL {_THUMBS_DOWN} UNION ALL {_ESCALATION})"
        " ORDER BY 5 DESC LIMIT ?",
        (start, start, start, limit),
    ).fetchall()
    return [
        Miss(text, lang or "", kind, entry_id, parse_ts(ts), conversation_id)
        for text, lang, kind, entry_id, ts, conversation_id in rows
        if text
    ]
