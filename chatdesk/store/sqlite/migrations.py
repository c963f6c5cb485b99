"""Versioned SQLite schema migrations, applied in order at start-up."""

from __future__ import annotations

import logging
import sqlite3

from ...errors import ConfigError

__all__ = ["MIGRATIONS", "migrate"]

log = logging.getLogger(__name__)

#: Each entry upgrades the schema by one version (``PRAGMA user_version``). Never edit
#: a released entry: append a new one.
MIGRATIONS: list[list[str]] = [
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
        """CREATE TABLE messages (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL UNIQUE,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            ts TEXT NOT NULL,
            client_id TEXT,
            extra TEXT,
            PRIMARY KEY (conversation_id, seq)
        ) WITHOUT ROWID""",
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
        """CREATE TABLE declines (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            operator_id TEXT NOT NULL,
            PRIMARY KEY (conversation_id, operator_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
        "DROP TABLE login_failures",
    ],
    [
        # The helpdesk: tickets as a channel, their threads, history and files (in the
        # database, so every process serves them), requesters and organisations, notices,
        # API tokens, and the full-text index (accent-insensitive, fr/nl/en).
        "ALTER TABLE tickets ADD COLUMN type TEXT NOT NULL DEFAULT 'question'",
        "ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'chat'",
        "ALTER TABLE tickets ADD COLUMN requester_id TEXT",
        "ALTER TABLE tickets ADD COLUMN organisation_id TEXT",
        "ALTER TABLE tickets ADD COLUMN lang TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE tickets ADD COLUMN fields TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE tickets ADD COLUMN resolution_due TEXT",
        "ALTER TABLE tickets ADD COLUMN sla_paused_at TEXT",
        "ALTER TABLE tickets ADD COLUMN paused_seconds REAL NOT NULL DEFAULT 0",
        "ALTER TABLE tickets ADD COLUMN breached TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE tickets ADD COLUMN sla_warned TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE tickets ADD COLUMN sla_alert_at TEXT",
        "ALTER TABLE tickets ADD COLUMN status_at TEXT",
        "ALTER TABLE tickets ADD COLUMN auto_close_at TEXT",
        "ALTER TABLE tickets ADD COLUMN closed_at TEXT",
        "ALTER TABLE tickets ADD COLUMN merged_into TEXT",
        "ALTER TABLE tickets ADD COLUMN follow_up_of TEXT",
        "ALTER TABLE tickets ADD COLUMN rated_at TEXT",
        "UPDATE tickets SET status_at = updated_at",
        "CREATE INDEX tickets_by_sla_alert ON tickets(sla_alert_at) WHERE sla_alert_at IS NOT NULL",
        """CREATE INDEX tickets_by_auto_close ON tickets(auto_close_at)
            WHERE auto_close_at IS NOT NULL""",
        "CREATE INDEX tickets_by_status ON tickets(status, updated_at)",
        "CREATE INDEX tickets_by_requester ON tickets(requester_id)",
        "CREATE INDEX tickets_by_operator ON tickets(operator_id)",
        """CREATE TABLE organisations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            contract_active INTEGER NOT NULL DEFAULT 1,
            max_members INTEGER,
            max_editors_per_site INTEGER,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE requesters (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            lang TEXT NOT NULL DEFAULT '',
            organisation_id TEXT REFERENCES organisations(id) ON DELETE SET NULL,
            org_role TEXT NOT NULL DEFAULT 'member',
            invited INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX requesters_by_organisation ON requesters(organisation_id)",
        """CREATE TABLE site_seats (
            organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
            site_id TEXT NOT NULL,
            requester_id TEXT NOT NULL REFERENCES requesters(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (organisation_id, site_id, requester_id)
        )""",
        """CREATE TABLE invitations (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            organisation_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
            invited_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            accepted_at TEXT
        )""",
        "CREATE INDEX invitations_by_email ON invitations(email, created_at)",
        """CREATE TABLE ticket_messages (
            id TEXT PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
            author TEXT NOT NULL,
            author_id TEXT,
            author_name TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            internal INTEGER NOT NULL DEFAULT 0,
            ts TEXT NOT NULL,
            client_id TEXT
        )""",
        "CREATE INDEX ticket_messages_by_ticket ON ticket_messages(ticket_id, ts)",
        """CREATE UNIQUE INDEX ticket_messages_by_client_id
            ON ticket_messages(ticket_id, author, author_id, client_id)
            WHERE client_id IS NOT NULL""",
        """CREATE TABLE ticket_events (
            id TEXT PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            actor_id TEXT,
            data TEXT NOT NULL DEFAULT '{}',
            ts TEXT NOT NULL
        )""",
        "CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, ts)",
        """CREATE TABLE attachments (
            id TEXT PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
            message_id TEXT,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data BLOB NOT NULL
        )""",
        "CREATE INDEX attachments_by_ticket ON attachments(ticket_id, created_at)",
        """CREATE TABLE notices (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            severity TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT,
            audience TEXT NOT NULL DEFAULT '[]',
            published_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            operator_id TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at TEXT
        )""",
        """CREATE VIRTUAL TABLE ticket_search USING fts5(
            ticket_id UNINDEXED, subject, body, fields,
            tokenize = 'unicode61 remove_diacritics 2'
        )""",
        """INSERT INTO ticket_search (ticket_id, subject, body, fields)
            SELECT id, subject, description, '' FROM tickets""",
    ],
    [
        # The help centre: votes on pages (the feedback store), views counted per hour,
        # searches without a good result, deflections before a ticket.
        """CREATE TABLE page_votes (
            entry_id TEXT NOT NULL,
            voter TEXT NOT NULL,
            lang TEXT NOT NULL,
            useful INTEGER NOT NULL,
            ts TEXT NOT NULL,
            PRIMARY KEY (entry_id, voter)
        ) WITHOUT ROWID""",
        "CREATE INDEX page_votes_by_ts ON page_votes(ts)",
        "CREATE INDEX feedback_by_ts ON feedback(ts)",
        """CREATE TABLE help_views (
            hour TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            views INTEGER NOT NULL,
            PRIMARY KEY (hour, entry_id, lang)
        ) WITHOUT ROWID""",
        """CREATE TABLE help_search_misses (
            ts TEXT NOT NULL,
            lang TEXT NOT NULL,
            query TEXT NOT NULL,
            best_entry_id TEXT,
            confidence REAL NOT NULL
        )""",
        "CREATE INDEX help_search_misses_by_ts ON help_search_misses(ts)",
        """CREATE TABLE help_deflections (
            ts TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            query TEXT NOT NULL
        )""",
        "CREATE INDEX help_deflections_by_ts ON help_deflections(ts)",
    ],
]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the newest schema; return the resulting version."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read the version inside the write lock: two processes may start together.
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise ConfigError(
                f"the database schema (version {version}) is newer than this chatdesk "
                f"understands ({len(MIGRATIONS)}); upgrade chatdesk"
            )
        for number in range(version, len(MIGRATIONS)):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            log.info("SQLite schema migrated to version %d", number + 1)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)
