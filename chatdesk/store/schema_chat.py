"""The schema's versions 1-5: visitors, conversations and messages, operators, routing,
tickets of the chat, canned responses, feedback (see migrations.py)."""

from __future__ import annotations

from .dialects import Dialects, Step

__all__ = ["CHAT_VERSIONS"]

_MESSAGES = """CREATE TABLE messages (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL UNIQUE,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            ts TEXT NOT NULL,
            client_id TEXT,
            extra TEXT,
            PRIMARY KEY (conversation_id, seq)
        )"""

_DECLINES = """CREATE TABLE declines (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            operator_id TEXT NOT NULL,
            PRIMARY KEY (conversation_id, operator_id)
        )"""


#: Versions 1 to 5 (never edit a released entry: append a new one in schema_desk.py).
CHAT_VERSIONS: list[list[Step]] = [
    [
        """CREATE TABLE visitors (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            lang TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            lang TEXT NOT NULL,
            page TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open',
            last_seq INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX conversations_by_visitor ON conversations(visitor_id, created_at)",
        Dialects(
            sqlite=_MESSAGES + " WITHOUT ROWID",  # the primary key is the table's order
            postgresql=_MESSAGES,
        ),
        """CREATE UNIQUE INDEX messages_by_client_id
            ON messages(conversation_id, author, client_id) WHERE client_id IS NOT NULL""",
    ],
    [
        # The bot: who answers the conversation, its misses in a row, visitors' ratings.
        "ALTER TABLE conversations ADD COLUMN mode TEXT NOT NULL DEFAULT 'bot'",
        "ALTER TABLE conversations ADD COLUMN bot_misses INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE feedback (
            message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            conversation_id TEXT NOT NULL,
            entry_id TEXT,
            useful INTEGER NOT NULL,
            ts TEXT NOT NULL
        )""",
        "CREATE INDEX feedback_by_entry ON feedback(entry_id)",
        """CREATE TABLE choices (
            message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            conversation_id TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            ts TEXT NOT NULL
        )""",
    ],
    [
        # Escalated conversations now say where they stand (queued, live, waiting, closed).
        "UPDATE conversations SET mode = 'waiting' WHERE mode = 'escalated'",
        "CREATE INDEX conversations_by_mode ON conversations(mode)",
    ],
    [
        # Operators, tickets and routing.
        """CREATE TABLE operators (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            departments TEXT NOT NULL,
            languages TEXT NOT NULL,
            capacity INTEGER,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            session_version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE presence (
            operator_id TEXT PRIMARY KEY REFERENCES operators(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            connections INTEGER NOT NULL DEFAULT 0,
            left_at TEXT
        )""",
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        """CREATE TABLE tickets (
            id TEXT PRIMARY KEY,
            number INTEGER NOT NULL UNIQUE,
            conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
            subject TEXT NOT NULL,
            department TEXT NOT NULL,
            priority TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            requester_name TEXT NOT NULL DEFAULT '',
            requester_email TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            operator_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            due_at TEXT,
            first_response_at TEXT,
            resolved_at TEXT,
            rating INTEGER,
            rating_comment TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX tickets_by_conversation ON tickets(conversation_id, created_at)",
        "ALTER TABLE conversations ADD COLUMN department TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE conversations ADD COLUMN priority TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE conversations ADD COLUMN queued_at TEXT",
        "ALTER TABLE conversations ADD COLUMN operator_id TEXT",
        "ALTER TABLE conversations ADD COLUMN offered_to TEXT",
        "ALTER TABLE conversations ADD COLUMN offered_at TEXT",
        "CREATE INDEX conversations_by_operator ON conversations(operator_id)",
        "ALTER TABLE conversations ADD COLUMN updated_at TEXT NOT NULL DEFAULT ''",
        "UPDATE conversations SET updated_at = created_at",
        "CREATE INDEX conversations_by_update ON conversations(updated_at)",
        """CREATE TABLE notes (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            operator_id TEXT NOT NULL,
            operator_name TEXT NOT NULL,
            text TEXT NOT NULL,
            ts TEXT NOT NULL,
            client_id TEXT,
            UNIQUE (conversation_id, operator_id, client_id)
        )""",
        """CREATE TABLE canned (
            shortcut TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (shortcut, lang)
        )""",
        """CREATE TABLE login_failures (
            key TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            first_at TEXT NOT NULL
        )""",
    ],
    [
        # The responder's cursor (replies in order across processes), the language's
        # source, offer refusals and job leases in the store; login throttling moved to
        # the `limits` library.
        "ALTER TABLE conversations ADD COLUMN answered_seq INTEGER NOT NULL DEFAULT 0",
        "UPDATE conversations SET answered_seq = last_seq",
        # Where the conversation's language came from (which source may replace it).
        "ALTER TABLE conversations ADD COLUMN lang_source TEXT NOT NULL DEFAULT 'browser'",
        Dialects(sqlite=_DECLINES + " WITHOUT ROWID", postgresql=_DECLINES),
        """CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
        "DROP TABLE login_failures",
    ],
]
