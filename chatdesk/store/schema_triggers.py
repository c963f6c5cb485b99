"""The triggers that write the mail feed (docs/email.md, "The durable outbox"; created at
schema version 7, widened since) and the webhooks' feed (version 27), in both dialects."""

from __future__ import annotations

import re

from .dialects import Dialects

__all__ = ["hook_trigger", "mail_trigger", "new_mail_trigger", "record_hook_triggers"]


def mail_trigger(name: str, table: str, when: str, values: str) -> list[Dialects]:
    """Return the trigger copying a row of ``table`` into ``mail_feed`` in both dialects.

    ``values`` are the feed's column values, where ``JSON(...)`` builds a JSON object and
    ``AUDIENCE`` is the notice's audience as JSON.
    """
    insert = "INSERT INTO mail_feed (source, ref_id, ticket_id, kind, data, created_at) VALUES"
    return _feed_trigger(name, table, when, values, insert)


def hook_trigger(name: str, table: str, when: str, values: str) -> list[Dialects]:
    """Return the trigger copying a row of ``table`` into ``hook_feed`` in both dialects
    (``values``: source, ref_id, ticket_id, kind, created_at)."""
    insert = "INSERT INTO hook_feed (source, ref_id, ticket_id, kind, created_at) VALUES"
    return _feed_trigger(name, table, when, values, insert)


def _feed_trigger(name: str, table: str, when: str, values: str, insert: str) -> list[Dialects]:
    lite = values.replace("JSON(", "json_object(").replace("AUDIENCE", "json(NEW.audience)")
    # mail_feed.data is text, PostgreSQL's builder gives json: cast it.
    pg = values.replace("JSON(", "json_build_object(").replace("AUDIENCE", "NEW.audience::json")
    pg = re.sub(r"\), NEW\.(created_at|ts)$", r")::text, NEW.\1", pg)
    guard = f" WHEN {when}" if when else ""
    sqlite = f"CREATE TRIGGER {name} AFTER INSERT ON {table}{guard} BEGIN {insert} ({lite}); END"
    body = f"{insert} ({pg});"
    if when:
        body = f"IF {when} THEN {body} END IF;"
    function = (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NEW; END $$"
    )
    trigger = (
        f"CREATE TRIGGER {name} AFTER INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
    )
    # SQLite's trigger is one statement; PostgreSQL's is a function and a trigger.
    return [Dialects(sqlite=sqlite, postgresql=function), Dialects(sqlite="", postgresql=trigger)]


def new_mail_trigger(name: str, table: str, when: str, values: str) -> list[Dialects]:
    """Return the steps replacing a trigger of :func:`mail_trigger` (SQLite drops and
    creates it again; PostgreSQL replaces its function, the trigger stays)."""
    create, _trigger = mail_trigger(name, table, when, values)
    return [
        Dialects(sqlite=f"DROP TRIGGER {name}", postgresql=""),
        Dialects(
            sqlite=create.sqlite,
            postgresql=create.postgresql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
        ),
    ]


#: Tables listed in insertion order (SQLite's rowid; PostgreSQL gets a column for it).


#: A requester's and an organisation's columns whose change is news to a webhook (not a
#: requester's sign-in state, nor an organisation's name key).
_REQUESTER_FIELDS = ("email", "name", "phone", "lang", "organisation_id", "org_role", "note")
_ORGANISATION_FIELDS = (
    "name", "contract_active", "max_members", "max_editors_per_site", "note"
)  # fmt: skip
#: (trigger, table, event, row and its id column, feed source, kind, columns watched)
_RECORD_TRIGGERS = (
    ("requester_new", "requesters", "INSERT", "NEW.id", "requester", "created", ()),
    ("requester_changed", "requesters", "UPDATE", "NEW.id", "requester", "updated",
     _REQUESTER_FIELDS),
    ("requester_gone", "requesters", "DELETE", "OLD.id", "requester", "deleted", ()),
    ("organisation_new", "organisations", "INSERT", "NEW.id", "organisation", "created", ()),
    ("organisation_changed", "organisations", "UPDATE", "NEW.id", "organisation", "updated",
     _ORGANISATION_FIELDS),
    ("organisation_gone", "organisations", "DELETE", "OLD.id", "organisation", "deleted", ()),
    # Its e-mail domains are part of an organisation's record.
    ("domain_new", "organisation_domains", "INSERT", "NEW.organisation_id", "organisation",
     "updated", ()),
    ("domain_moved", "organisation_domains", "UPDATE", "NEW.organisation_id", "organisation",
     "updated", ("organisation_id",)),
    ("domain_gone", "organisation_domains", "DELETE", "OLD.organisation_id", "organisation",
     "updated", ()),
)  # fmt: skip


def record_hook_triggers() -> list[str | Dialects]:
    """Return the triggers feeding ``requester.*`` and ``organisation.*`` (``created``,
    ``updated`` when a watched column changed, ``deleted``: erased, or merged into
    another) to ``hook_feed``, whichever way the change came (schema version 48).

    These rows have no time of change: the feed's time is the database's clock.
    """
    insert = "INSERT INTO hook_feed (source, ref_id, ticket_id, kind, created_at) VALUES"
    lite_now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    pg_now = """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
    steps: list[str | Dialects] = []
    for short, table, when, ref, source, kind, watched in _RECORD_TRIGGERS:
        name = f"hook_feed_{short}"  # `db copy` turns them off by this prefix
        lite_when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
        pg_when = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
        guard = f" WHEN {lite_when}" if watched else ""
        pg_guard = f" WHEN ({pg_when})" if watched else ""
        lite = f"'{source}', {ref}, '', '{kind}', {lite_now}"
        pg = f"'{source}', {ref}, '', '{kind}', {pg_now}"
        sqlite = (
            f"CREATE TRIGGER {name} AFTER {when} ON {table}{guard} BEGIN {insert} ({lite}); END"
        )
        function = (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {insert} ({pg}); RETURN NULL; END $$"
        )
        trigger = (
            f"CREATE TRIGGER {name} AFTER {when} ON {table} FOR EACH ROW{pg_guard}"
            f" EXECUTE FUNCTION {name}()"
        )
        steps += [
            Dialects(sqlite=sqlite, postgresql=function),
            Dialects(sqlite="", postgresql=trigger),
        ]
    return steps
