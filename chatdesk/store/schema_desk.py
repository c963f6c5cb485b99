"""The schema's versions 6 to 10: the helpdesk, e-mail, search on PostgreSQL, the help
centre, the bot's dismissed misses (see migrations.py; later ones: schema_recent.py)."""

from __future__ import annotations

from .dialects import Dialects, Step
from .schema_triggers import mail_trigger

__all__ = ["DESK_VERSIONS"]

_ATTACHMENTS = """CREATE TABLE attachments (
            id TEXT PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
            message_id TEXT,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data {blob} NOT NULL
        )"""
_PAGE_VOTES = """CREATE TABLE page_votes (
            entry_id TEXT NOT NULL,
            voter TEXT NOT NULL,
            lang TEXT NOT NULL,
            useful INTEGER NOT NULL,
            ts TEXT NOT NULL,
            PRIMARY KEY (entry_id, voter)
        )"""
_HELP_VIEWS = """CREATE TABLE help_views (
            hour TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            views INTEGER NOT NULL,
            PRIMARY KEY (hour, entry_id, lang)
        )"""

_MAIL_HELD = """CREATE TABLE mail_held (
            id TEXT PRIMARY KEY,
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL DEFAULT '',
            raw {blob} NOT NULL,
            created_at TEXT NOT NULL
        )"""

_IN_ORDER = (
    "ticket_messages",
    "ticket_events",
    "attachments",
    "invitations",
    "notices",
    "api_tokens",
)


def _postgresql(sql: str) -> Dialects:
    """Return a step only PostgreSQL runs."""
    return Dialects(sqlite="", postgresql=sql)


#: Versions 6 to 10 (released: never edited; new versions go to schema_recent.py).
DESK_VERSIONS: list[list[Step]] = [
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
        Dialects(
            sqlite=_ATTACHMENTS.format(blob="BLOB"),
            postgresql=_ATTACHMENTS.format(blob="BYTEA"),
        ),
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
        Dialects(
            sqlite="""CREATE VIRTUAL TABLE ticket_search USING fts5(
            ticket_id UNINDEXED, subject, body, fields,
            tokenize = 'unicode61 remove_diacritics 2'
        )""",
            # PostgreSQL searches these same columns with its own full text (the PostgreSQL
            # helpdesk store builds the query: docs/helpdesk.md).
            postgresql="""CREATE TABLE ticket_search (
            ticket_id TEXT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
            subject TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            fields TEXT NOT NULL DEFAULT ''
        )""",
        ),
        """INSERT INTO ticket_search (ticket_id, subject, body, fields)
            SELECT id, subject, description, '' FROM tickets""",
    ],
    [
        # E-mail (docs/email.md). The feed is the transactional log mail is made from:
        # triggers write it in the transaction of the row that causes the mail, whatever
        # code path writes that row.
        Dialects(
            sqlite="""CREATE TABLE mail_feed (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            ref_id TEXT NOT NULL,
            ticket_id TEXT,
            kind TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
            postgresql="""CREATE TABLE mail_feed (
            id BIGSERIAL PRIMARY KEY,
            source TEXT NOT NULL,
            ref_id TEXT NOT NULL,
            ticket_id TEXT,
            kind TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
        ),
        *mail_trigger(
            "mail_feed_ticket_events",
            "ticket_events",
            "NEW.kind IN ('created', 'status', 'auto_close', 'merged_into')",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.data, NEW.ts",
        ),
        *mail_trigger(
            "mail_feed_ticket_messages",
            "ticket_messages",
            "NEW.author = 'operator' AND NEW.internal = 0",
            "'ticket_message', NEW.id, NEW.ticket_id, 'reply', '{}', NEW.ts",
        ),
        *mail_trigger(
            "mail_feed_invitations",
            "invitations",
            "",
            "'invitation', NEW.id, NULL, 'invitation', JSON('email', NEW.email,"
            " 'organisation_id', NEW.organisation_id, 'expires_at', NEW.expires_at),"
            " NEW.created_at",
        ),
        *mail_trigger(
            "mail_feed_notices",
            "notices",
            "",
            "'notice', NEW.id, NULL, 'notice', JSON('title', NEW.title, 'body', NEW.body,"
            " 'severity', NEW.severity, 'starts_at', NEW.starts_at, 'ends_at', NEW.ends_at,"
            " 'audience', AUDIENCE), NEW.created_at",
        ),
        """CREATE TABLE mail_outbox (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            lang TEXT NOT NULL,
            ticket_id TEXT,
            data TEXT NOT NULL DEFAULT '{}',
            dedupe_key TEXT UNIQUE,
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            claimed_until TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            sent_at TEXT
        )""",
        # Mails queued together share a time: listed in insertion order (SQLite's rowid).
        _postgresql("ALTER TABLE mail_outbox ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY"),
        "CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at)",
        """CREATE TABLE mail_inbound (
            message_id TEXT PRIMARY KEY,
            ticket_id TEXT,
            received_at TEXT NOT NULL
        )""",
        """CREATE TABLE mail_bounces (
            email TEXT PRIMARY KEY,
            since TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        )""",
        Dialects(
            sqlite=_MAIL_HELD.format(blob="BLOB"),
            postgresql=_MAIL_HELD.format(blob="BYTEA"),
        ),
        """CREATE TABLE org_addresses (
            organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            PRIMARY KEY (organisation_id, kind, email)
        )""",
    ],
    [
        # PostgreSQL's side of the helpdesk. Its full-text index is a tsvector of words
        # folded by the store (case and accents, as SQLite's tokenizer does), filled for
        # the tickets already there by `chatdesk db migrate` (postgres/schema.py); the
        # texts themselves stay in their tables.
        _postgresql(
            """ALTER TABLE ticket_search DROP COLUMN subject, DROP COLUMN body,
            DROP COLUMN fields, ADD COLUMN words TSVECTOR NOT NULL DEFAULT ''"""
        ),
        _postgresql("CREATE INDEX ticket_search_by_words ON ticket_search USING GIN (words)"),
        # Lists of these tables come in insertion order where two rows share a time:
        # SQLite's implicit rowid, here a column of that name (the same SQL reads both).
        *(
            _postgresql(f"ALTER TABLE {table} ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY")
            for table in _IN_ORDER
        ),
        # REAL is 4 bytes on PostgreSQL (8 on SQLite): seconds would lose their milliseconds.
        _postgresql("ALTER TABLE tickets ALTER COLUMN paused_seconds TYPE DOUBLE PRECISION"),
    ],
    [
        # The help centre: votes on pages (the feedback store), views counted per hour,
        # searches without a good result, deflections before a ticket.
        Dialects(sqlite=_PAGE_VOTES + " WITHOUT ROWID", postgresql=_PAGE_VOTES),
        "CREATE INDEX page_votes_by_ts ON page_votes(ts)",
        "CREATE INDEX feedback_by_ts ON feedback(ts)",
        Dialects(sqlite=_HELP_VIEWS + " WITHOUT ROWID", postgresql=_HELP_VIEWS),
        """CREATE TABLE help_search_misses (
            ts TEXT NOT NULL,
            lang TEXT NOT NULL,
            query TEXT NOT NULL,
            best_entry_id TEXT,
            confidence DOUBLE PRECISION NOT NULL
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
    [
        # Misses an admin dismissed on the console's gaps page (by `Miss.key`, with the
        # miss's own time): left out of the groups from then on.
        """CREATE TABLE dismissed_misses (
            key TEXT PRIMARY KEY,
            ts TEXT NOT NULL,
            operator_id TEXT NOT NULL,
            dismissed_at TEXT NOT NULL
        )""",
        "CREATE INDEX dismissed_misses_by_ts ON dismissed_misses(ts)",
    ],
]
