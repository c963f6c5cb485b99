"""The triggers that write the mail feed (docs/email.md, "The durable outbox"; created at
schema version 7, widened since) and the webhooks' feed (version 27), in both dialects."""

from __future__ import annotations

import re

from .dialects import Dialects

__all__ = ["hook_trigger", "mail_trigger", "new_mail_trigger"]


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
