"""The schema's versions 11 and on (see migrations.py): every new version goes last here."""

from __future__ import annotations

from .dialects import Dialects, Step
from .schema_keys import INTEGER_CONVERSATION_KEYS
from .schema_triggers import hook_trigger, new_mail_trigger, record_hook_triggers

__all__ = ["RECENT_VERSIONS"]

#: Versions 11 and on (never edit a released entry: append a new one).
RECENT_VERSIONS: list[list[Step]] = [
    [
        # (Chat tables: versions are positional, so every new one goes last.) The inbox's
        # order by last activity: an index on the minute of `updated_at`, which a
        # conversation's messages move once a minute, instead of on `updated_at`, which
        # each of them moved (two more pages written per message, ~15% of a message's
        # CPU; bench/README.md, "Sixth pass"). Within a minute the rows are sorted by
        # `updated_at` itself, so the order stays exact.
        "ALTER TABLE conversations ADD COLUMN active_minute TEXT NOT NULL DEFAULT ''",
        "UPDATE conversations SET active_minute = substr(updated_at, 1, 16)",
        "DROP INDEX conversations_by_update",
        "CREATE INDEX conversations_by_minute ON conversations(active_minute)",
    ],
    [
        # The desk's answers name the requester's latest mail in `In-Reply-To`, so that
        # their mail program threads them: that mail is found by its ticket.
        "CREATE INDEX mail_inbound_by_ticket ON mail_inbound(ticket_id, received_at)",
    ],
    [
        # Operators are told by mail too: a ticket given to them, a requester's answer on
        # theirs, a target about to be missed or missed (mail/planner.py decides who).
        *new_mail_trigger(
            "mail_feed_ticket_events",
            "ticket_events",
            "NEW.kind IN ('created', 'status', 'auto_close', 'merged_into', 'assignee',"
            " 'sla_warning', 'sla_breach')",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.data, NEW.ts",
        ),
        *new_mail_trigger(
            "mail_feed_ticket_messages",
            "ticket_messages",
            "NEW.internal = 0 AND NEW.author IN ('operator', 'requester')",
            "'ticket_message', NEW.id, NEW.ticket_id,"
            " CASE WHEN NEW.author = 'operator' THEN 'reply' ELSE 'requester_reply' END,"
            # Who had the ticket when the requester wrote: they are the one to tell.
            " JSON('assignee', (SELECT operator_id FROM tickets WHERE id = NEW.ticket_id)),"
            " NEW.ts",
        ),
    ],
    [
        # Each operator may turn that mail off (their account page).
        "ALTER TABLE operators ADD COLUMN mail_notifications INTEGER NOT NULL DEFAULT 1",
    ],
    [
        # A visitor who leaves their details in the chat (nobody online) is news for the
        # department: that history row (`requester`, by the requester) reaches the feed.
        *new_mail_trigger(
            "mail_feed_ticket_events",
            "ticket_events",
            "NEW.kind IN ('created', 'status', 'auto_close', 'merged_into', 'assignee',"
            " 'sla_warning', 'sla_breach', 'requester')",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.data, NEW.ts",
        ),
    ],
    [
        # The visitor answering an operator in the chat of an open ticket: a history row
        # (`chat`, by the requester) that reaches the feed, so the assignee hears of it.
        *new_mail_trigger(
            "mail_feed_ticket_events",
            "ticket_events",
            "NEW.kind IN ('created', 'status', 'auto_close', 'merged_into', 'assignee',"
            " 'sla_warning', 'sla_breach', 'requester', 'chat')",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.data, NEW.ts",
        ),
    ],
    [
        # People in Cc of a mail thread (comma-joined addresses): they get copies of the
        # replies, and their answers join the ticket.
        "ALTER TABLE tickets ADD COLUMN cc TEXT NOT NULL DEFAULT ''",
    ],
    [
        # The team's labels on a ticket (comma-joined, sorted), filtered on as Cc is.
        "ALTER TABLE tickets ADD COLUMN tags TEXT NOT NULL DEFAULT ''",
    ],
    [
        # Each operator's lines under their replies in the requesters' mails.
        "ALTER TABLE operators ADD COLUMN signature TEXT NOT NULL DEFAULT ''",
    ],
    [
        # A canned response may move the ticket it answers ("resolved" with the answer).
        "ALTER TABLE canned ADD COLUMN status TEXT NOT NULL DEFAULT ''",
    ],
    [
        # Two-step sign-in: the operator's TOTP secret (base32; '' when off), the last
        # time step a code was used for (a code works once), and the SHA-256 of their
        # unused recovery codes (comma-joined).
        "ALTER TABLE operators ADD COLUMN totp_secret TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE operators ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE operators ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT ''",
    ],
    [
        # Colleagues named in an internal note (a `mention` history row) hear of it by mail.
        *new_mail_trigger(
            "mail_feed_ticket_events",
            "ticket_events",
            "NEW.kind IN ('created', 'status', 'auto_close', 'merged_into', 'assignee',"
            " 'sla_warning', 'sla_breach', 'requester', 'chat', 'mention')",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.data, NEW.ts",
        ),
    ],
    [
        # A canned response may tag the ticket it answers (comma-joined, as tickets.tags).
        "ALTER TABLE canned ADD COLUMN tags TEXT NOT NULL DEFAULT ''",
    ],
    [
        # On hold until a date: the ticket comes back open then (a `hold_ended` history
        # row, which reaches the feed so its assignee hears of it by mail).
        "ALTER TABLE tickets ADD COLUMN hold_until TEXT",
        "CREATE INDEX tickets_by_hold ON tickets(hold_until) WHERE hold_until IS NOT NULL",
        *new_mail_trigger(
            "mail_feed_ticket_events",
            "ticket_events",
            "NEW.kind IN ('created', 'status', 'auto_close', 'merged_into', 'assignee',"
            " 'sla_warning', 'sla_breach', 'requester', 'chat', 'mention', 'hold_ended')",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.data, NEW.ts",
        ),
    ],
    INTEGER_CONVERSATION_KEYS,
    [
        # The audit log: administrative acts (accounts, personal data), appended only;
        # read newest first, a page at a time.
        "CREATE TABLE audit_log (id TEXT PRIMARY KEY, ts TEXT NOT NULL, actor_id TEXT,"
        " actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
        " detail TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX audit_log_by_ts ON audit_log(ts, id)",
    ],
    [
        # Webhooks (docs/webhooks.md): every ticket history row and ticket message feeds
        # them in its own transaction, as the mail feed does; the `webhooks` job turns each
        # item into one delivery per endpoint that wants it.
        Dialects(
            sqlite="CREATE TABLE hook_feed (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " source TEXT NOT NULL, ref_id TEXT NOT NULL, ticket_id TEXT NOT NULL,"
            " kind TEXT NOT NULL, created_at TEXT NOT NULL)",
            postgresql="CREATE TABLE hook_feed (id BIGSERIAL PRIMARY KEY,"
            " source TEXT NOT NULL, ref_id TEXT NOT NULL, ticket_id TEXT NOT NULL,"
            " kind TEXT NOT NULL, created_at TEXT NOT NULL)",
        ),
        *hook_trigger(
            "hook_feed_ticket_events",
            "ticket_events",
            "",
            "'ticket_event', NEW.id, NEW.ticket_id, NEW.kind, NEW.ts",
        ),
        *hook_trigger(
            "hook_feed_ticket_messages",
            "ticket_messages",
            "",
            "'ticket_message', NEW.id, NEW.ticket_id,"
            " CASE WHEN NEW.internal = 0 THEN 'message' ELSE 'note' END, NEW.ts",
        ),
        "CREATE TABLE hook_deliveries (id TEXT PRIMARY KEY, endpoint TEXT NOT NULL,"
        " event TEXT NOT NULL, source TEXT NOT NULL, ref_id TEXT NOT NULL,"
        " ticket_id TEXT NOT NULL, feed_id BIGINT NOT NULL,"
        " state TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,"
        " next_attempt_at TEXT, claimed_until TEXT, last_error TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL, sent_at TEXT)",
        "CREATE INDEX hook_deliveries_due ON hook_deliveries(state, next_attempt_at)",
    ],
    [
        # The retention policy ([privacy] in chatdesk.toml) anonymises closed tickets once:
        # when, and the closed ones still to do, by the time they closed.
        "ALTER TABLE tickets ADD COLUMN anonymised_at TEXT",
        "CREATE INDEX tickets_to_anonymise ON tickets(closed_at)"
        " WHERE status = 'closed' AND anonymised_at IS NULL",
    ],
    [
        # Time spent on tickets (a reply's or note's minutes, ``time`` history rows): the
        # reports add up a period's, found by their time.
        "CREATE INDEX ticket_events_time ON ticket_events(ts) WHERE kind = 'time'",
    ],
    [
        # The desk's rules (``rule`` history rows, one per ticket a rule changed): the
        # rules page counts a period's per rule, found by their time.
        "CREATE INDEX ticket_events_rule ON ticket_events(ts) WHERE kind = 'rule'",
    ],
    [
        # Operators who follow a ticket (not theirs) hear of its answers, replies and
        # status changes; the "Following" list finds theirs by the operator.
        "CREATE TABLE ticket_followers (ticket_id TEXT NOT NULL, operator_id TEXT NOT NULL,"
        " created_at TEXT NOT NULL, PRIMARY KEY (ticket_id, operator_id))",
        "CREATE INDEX ticket_followers_by_operator ON ticket_followers(operator_id)",
    ],
    [
        # Help-centre answers operators put in their replies, counted per hour as views are.
        "CREATE TABLE help_quotes (hour TEXT NOT NULL, entry_id TEXT NOT NULL,"
        " lang TEXT NOT NULL, quotes INTEGER NOT NULL, PRIMARY KEY (hour, entry_id, lang))",
    ],
    [
        # Who searched in vain: a reader of the help centre, or an operator in the
        # console's answers panel (both tell bot authors what the knowledge lacks).
        "ALTER TABLE help_search_misses ADD COLUMN source TEXT NOT NULL DEFAULT 'reader'",
    ],
    [
        # Addresses and domains the desk takes nothing from (spam senders): their mail
        # is dropped, their forms refused; each entry counts what it stopped.
        "CREATE TABLE blocked_senders (pattern TEXT PRIMARY KEY, created_at TEXT NOT NULL,"
        " note TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL DEFAULT '',"
        " hits INTEGER NOT NULL DEFAULT 0, last_hit TEXT)",
    ],
    [
        # A requester's retried reply to a closed ticket finds the follow-up it filed.
        "CREATE INDEX tickets_follow_ups ON tickets(follow_up_of) WHERE follow_up_of IS NOT NULL",
    ],
    [
        # A requester's portal sessions carry this number; raising it ends them all
        # ("sign me out everywhere", or an operator's on their behalf).
        "ALTER TABLE requesters ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0",
    ],
    [
        # Ticket lists operators named to find again (the filters as a query string),
        # their own or shared with everyone; a name is unique per owner.
        "CREATE TABLE saved_views (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL,"
        " name TEXT NOT NULL, query TEXT NOT NULL, shared INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL, UNIQUE (owner_id, name))",
    ],
    [
        # A visitor an operator blocked (abuse in the chat): refused until this time; who.
        "ALTER TABLE visitors ADD COLUMN blocked_until TEXT",
        "ALTER TABLE visitors ADD COLUMN blocked_by TEXT NOT NULL DEFAULT ''",
    ],
    [
        # The requesters' directory counts and dates a page's requesters' tickets from
        # the index alone (the old one on requester_id is its prefix: replaced).
        "CREATE INDEX tickets_by_requester_activity"
        " ON tickets(requester_id, updated_at, status, type)",
        "DROP INDEX tickets_by_requester",
    ],
    [
        # What the team keeps in mind about a requester (how to reach them, who their
        # account manager is): operators only.
        "ALTER TABLE requesters ADD COLUMN note TEXT NOT NULL DEFAULT ''",
    ],
    [
        # An organisation's tickets (the console's list and the API narrowed to it, an
        # organisation admin's on the portal) without reading every ticket.
        "CREATE INDEX tickets_by_organisation ON tickets(organisation_id)"
        " WHERE organisation_id IS NOT NULL",
    ],
    [
        # An organisation's e-mail domains: a new requester of one joins it (Zammad's
        # domain based assignment); a domain belongs to one organisation at most.
        "CREATE TABLE organisation_domains (domain TEXT PRIMARY KEY,"
        " organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
        " created_at TEXT NOT NULL)",
        "CREATE INDEX organisation_domains_by_organisation"
        " ON organisation_domains(organisation_id)",
    ],
    [
        # What the team keeps in mind about a customer (their plan, whom to call):
        # operators only, as a requester's note.
        "ALTER TABLE organisations ADD COLUMN note TEXT NOT NULL DEFAULT ''",
    ],
    [
        # A ticket about a known problem (customers' tickets about one outage) is linked
        # to the problem's ticket, one problem each: the team answers them all at once.
        "CREATE TABLE ticket_links (ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),"
        " problem_id TEXT NOT NULL REFERENCES tickets(id), created_at TEXT NOT NULL,"
        " created_by TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX ticket_links_by_problem ON ticket_links(problem_id, created_at)",
    ],
    [
        # An operator out of office until a date: their mail goes to a replacement, the
        # desk's rules do not give them tickets meanwhile.
        "ALTER TABLE operators ADD COLUMN away_until TEXT",
        "ALTER TABLE operators ADD COLUMN replacement_id TEXT",
    ],
    [
        # A requester's other addresses (one person writing from work and from home,
        # merged by the team): mail from any of them is theirs; an address is one
        # requester's at most, and never also a requester's own address.
        "CREATE TABLE requester_addresses (address TEXT PRIMARY KEY,"
        " requester_id TEXT NOT NULL REFERENCES requesters(id) ON DELETE CASCADE,"
        " created_at TEXT NOT NULL)",
        "CREATE INDEX requester_addresses_by_requester ON requester_addresses(requester_id)",
    ],
    [
        # Tickets imported from another helpdesk (`chatdesk tickets import`), by the
        # reference they had there: the same file again imports nothing twice. The
        # reference is claimed before the ticket is written (no foreign key: tickets are
        # never deleted, only anonymised).
        "CREATE TABLE ticket_imports (ref TEXT PRIMARY KEY, ticket_id TEXT NOT NULL,"
        " imported_at TEXT NOT NULL)",
    ],
    # Webhooks learn of requesters and organisations too (requester.created, .updated,
    # .deleted; organisation.*): the triggers feed hook_feed without a ticket (ticket_id
    # '').
    record_hook_triggers(),
    [
        # When an operator last used the console (a session checked, at most every 15
        # minutes): admins see unused accounts and invitations nobody took up.
        "ALTER TABLE operators ADD COLUMN last_seen_at TEXT",
    ],
    [
        # How far the visitor has seen their conversation (the widget open on a visible
        # page), and when: the console shows "Seen" under the operator's last message.
        "ALTER TABLE conversations ADD COLUMN visitor_read_seq INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE conversations ADD COLUMN visitor_read_at TEXT",
    ],
    [
        # Operators' console sessions, one per sign-in and browser: the account page
        # lists them, and a session whose row is gone (signed out, ended from another
        # browser) is over though its cookie has not expired.
        "CREATE TABLE console_sessions (id TEXT PRIMARY KEY,"
        " operator_id TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,"
        " version INTEGER NOT NULL, created_at TEXT NOT NULL, seen_at TEXT NOT NULL,"
        " agent TEXT NOT NULL DEFAULT '', ip TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX console_sessions_by_operator ON console_sessions(operator_id, version)",
        "CREATE INDEX console_sessions_by_age ON console_sessions(created_at)",
    ],
    [
        # How far the operator who has the conversation has seen it: the widget writes
        # "Seen" under the visitor's messages.
        "ALTER TABLE conversations ADD COLUMN operator_read_seq INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE conversations ADD COLUMN operator_read_at TEXT",
    ],
    [
        # When an invitation to choose a first password was mailed (none since: the
        # account is in use, or was made with a password): the Operators page tells a
        # pending invitation, or one left to expire, from an account never used.
        "ALTER TABLE operators ADD COLUMN invited_at TEXT",
    ],
]
