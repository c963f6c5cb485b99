"""The bot's misses read back for ``chatdesk kb gaps`` (and those dismissed): one query
for both SQL dialects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import Miss, parse_ts
from .migrations import Dialect

__all__ = ["DISMISS", "DISMISSED", "miss_rows", "misses_query"]

# The visitor's question behind a bot message: their last message before it.
_QUESTION = """
    SELECT text FROM messages q
    WHERE q.conv = b.conv AND q.seq < b.seq AND q.author = 'visitor'
    ORDER BY q.seq DESC LIMIT 1
"""

_NO_ANSWER = f"""
    SELECT ({_QUESTION}), {{lang}}, 'no_answer', NULL, b.ts, bc.id
    FROM messages b JOIN conversations bc ON bc.num = b.conv
    WHERE b.author = 'bot' AND {{kind}} IN ('no_answer', 'suggest') AND b.ts >= {{p}}1
"""

_THUMBS_DOWN = f"""
    SELECT ({_QUESTION}), {{lang}}, 'thumbs_down', f.entry_id, f.ts, f.conversation_id
    FROM feedback f JOIN conversations fc ON fc.id = f.conversation_id
    JOIN messages b ON b.conv = fc.num AND b.id = f.message_id
    WHERE f.useful = 0 AND f.ts >= {{p}}1
"""

# Up to the last three visitor messages before the ticket: the question is among them
# ("I want a person" itself is filtered out by the gaps tool).
_ESCALATION = """
    SELECT m.text, c.lang, 'escalation', NULL, t.created_at, t.conversation_id
    FROM tickets t
    JOIN conversations c ON c.id = t.conversation_id
    JOIN messages m ON m.conv = c.num
    WHERE t.reason IN ('bot_unsure', 'visitor_request') AND t.created_at >= {p}1
      AND m.author = 'visitor' AND m.ts <= t.created_at
      AND m.seq IN (
          SELECT seq FROM messages v
          WHERE v.conv = c.num AND v.author = 'visitor'
            AND v.ts <= t.created_at
          ORDER BY v.seq DESC LIMIT 3
      )
"""

#: How each dialect reads a key of a message's ``extra`` (JSON in a text column).
_EXTRA = {
    "sqlite": "json_extract(b.extra, '$.{key}')",
    "postgresql": "(b.extra::jsonb ->> '{key}')",
}
#: Numbered placeholders: ``?1`` on SQLite, ``$1`` on PostgreSQL.
_PLACEHOLDER = {"sqlite": "?", "postgresql": "$"}


def misses_query(dialect: Dialect) -> str:
    """Return the query of the misses in ``dialect``: parameter 1 is the earliest time
    (formatted; "" for all), 2 the most rows; newest first."""
    extra = _EXTRA[dialect]
    parts = {
        "lang": extra.format(key="lang"),
        "kind": extra.format(key="kind"),
        "p": _PLACEHOLDER[dialect],
    }
    union = " UNION ALL ".join(q.format(**parts) for q in (_NO_ANSWER, _THUMBS_DOWN, _ESCALATION))
    return f"SELECT * FROM ({union}) AS misses ORDER BY 5 DESC LIMIT {parts['p']}2"


def miss_rows(rows: Iterable[Any]) -> list[Miss]:
    """Build the misses from the query's rows (those without a question are left out)."""
    return [
        Miss(text, lang or "", kind, entry_id, parse_ts(ts), conversation_id)
        for text, lang, kind, entry_id, ts, conversation_id in rows
        if text
    ]


#: Remember dismissed misses; PostgreSQL takes them as arrays (one statement for all).
DISMISS = {
    "sqlite": "INSERT INTO dismissed_misses (key, ts, operator_id, dismissed_at)"
    " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
    "postgresql": "INSERT INTO dismissed_misses (key, ts, operator_id, dismissed_at)"
    " SELECT k, t, $3, $4 FROM unnest($1::text[], $2::text[]) AS u(k, t)"
    " ON CONFLICT (key) DO NOTHING",
}
#: The keys of the misses dismissed since parameter 1 ("" for all).
DISMISSED = {
    "sqlite": "SELECT key FROM dismissed_misses WHERE ts >= ?",
    "postgresql": "SELECT key FROM dismissed_misses WHERE ts >= $1",
}
