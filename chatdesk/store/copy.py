"""Copy a whole desk from a SQLite file into PostgreSQL, table by table, verifying counts."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from ..errors import ConfigError
from .migrations import SCHEMA_VERSION
from .postgres import migrate
from .postgres.database import SERVER_SETTINGS, translated
from .postgres.search import rebuild_index

__all__ = ["PARTS", "TABLES", "CopyError", "TableCount", "copy_desk"]

#: Every table that makes the desk, parents before children (foreign keys). Not copied:
#: ``ticket_search`` (an index, rebuilt in the target from the tickets copied) and the jobs'
#: leases (which process of the old desk ran a job: meaningless to the new one). The mail
#: feed's items are copied: each is a change whose mails the old desk had not planned yet,
#: so the new desk plans them (once: the old desk is stopped).
TABLES = (
    "visitors",
    "conversations",
    "messages",
    "feedback",
    "choices",
    "operators",
    "presence",
    "counters",
    "organisations",
    "organisation_domains",
    "requesters",
    "requester_addresses",
    "site_seats",
    "invitations",
    "tickets",
    "ticket_imports",
    "ticket_messages",
    "ticket_events",
    "attachments",
    "notes",
    "canned",
    "declines",
    "notices",
    "api_tokens",
    "mail_feed",
    "mail_outbox",
    "mail_inbound",
    "mail_bounces",
    "mail_held",
    "org_addresses",
    "page_votes",
    "help_views",
    "help_search_misses",
    "help_deflections",
    "help_quotes",
    "dismissed_misses",
    "audit_log",
    "hook_feed",
    "hook_deliveries",
    "ticket_followers",
    "ticket_links",
    "blocked_senders",
    "saved_views",
)
#: Tables copied in part: of the leases, the single-use keys (sign-in links used, challenges
#: solved), which the new desk must still refuse.
PARTS = {"leases": "name LIKE 'once:%'"}
#: What the target may hold that the copy does not write (emptied with ``--force``).
_DERIVED = ("leases", "ticket_search", "console_sessions")
#: Rows read and sent per batch (bounds memory whatever the desk's size); files' rows are
#: big, so fewer at a time.
_BATCH = 5000
_BATCH_OF = {"attachments": 20, "mail_held": 100}
#: What the copy writes, in order.
_COPIED = (*TABLES, *PARTS)


class CopyError(ConfigError):
    """The copy was refused or did not verify; nothing was written to the target."""


@dataclass(frozen=True, slots=True)
class TableCount:
    """How many rows a table had in the source and has in the target."""

    table: str
    source: int
    target: int


def _open_source(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise CopyError(f"no SQLite database at {path}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version != SCHEMA_VERSION:
        conn.close()
        what = (
            "upgrade chatdesk first"
            if version > SCHEMA_VERSION
            else f"migrate it first: CHATDESK_DATABASE_URL=sqlite:///{path} chatdesk db migrate"
        )
        raise CopyError(
            f"{path} has schema version {version}, this chatdesk {SCHEMA_VERSION}: {what}"
        )
    return conn


def _rows(cursor: sqlite3.Cursor, size: int) -> Iterator[tuple[object, ...]]:
    while batch := cursor.fetchmany(size):
        yield from batch


async def copy_desk(source: Path, target_url: str, *, force: bool = False) -> list[TableCount]:
    """Copy every table of :data:`TABLES` from the SQLite file ``source`` into the
    PostgreSQL database ``target_url`` in one transaction; return the counts.

    The target's schema is created (or brought up to date) first. The source is read in one
    read transaction: a desk still serving is copied as it was at one instant.

    :param force: replace what the target holds (otherwise a non-empty target is refused).
    :raises CopyError: if the source or target is unsuitable, or a count differs after the
        copy (then the target is left as it was).
    """
    src = _open_source(source)
    try:
        src.execute("BEGIN")  # one snapshot for every table
        counts = {t: int(src.execute(_count(t)).fetchone()[0]) for t in _COPIED}
        await migrate(target_url)
        with translated():
            conn = await asyncpg.connect(target_url, server_settings=SERVER_SETTINGS)
        try:
            with translated():
                async with conn.transaction():
                    await _prepare_target(conn, force=force)
                    # The rows copied are history: they must not feed mail or webhooks again.
                    async with _feed_triggers_off(conn):
                        for table in _COPIED:
                            await _copy_table(src, conn, table)
                    await _continue_numbers(conn)
                    await rebuild_index(conn)
                    result = [
                        TableCount(t, counts[t], await conn.fetchval(_count(t))) for t in _COPIED
                    ]
                    wrong = [c for c in result if c.source != c.target]
                    if wrong:  # raising rolls the whole copy back
                        raise CopyError(
                            "the copy does not verify, nothing was written: "
                            + ", ".join(f"{c.table} {c.source} -> {c.target}" for c in wrong)
                        )
        finally:
            await conn.close()
    finally:
        src.close()
    return result


async def _copy_table(
    src: sqlite3.Connection, conn: asyncpg.Connection[asyncpg.Record], table: str
) -> None:
    # In rowid order (where there is one): PostgreSQL numbers the rows it receives in its
    # own rowid column, so lists of rows of the same instant keep their order.
    where = f" WHERE {PARTS[table]}" if table in PARTS else ""
    if where:  # the target's own rows of that part give way (the rest stays)
        await conn.execute(f"DELETE FROM {table}{where}")
    order = "" if _without_rowid(src, table) else " ORDER BY rowid"
    cursor = src.execute(f"SELECT * FROM {table}{where}{order}")
    columns = [d[0] for d in cursor.description]
    records = _rows(cursor, _BATCH_OF.get(table, _BATCH))
    try:
        await conn.copy_records_to_table(table, records=records, columns=columns)
    except (asyncpg.PostgresError, asyncpg.DataError) as exc:
        # A value PostgreSQL refuses (e.g. a NUL character in a text): say where.
        raise CopyError(f"copying table {table} failed, nothing was written: {exc}") from exc


def _count(table: str) -> str:
    where = f" WHERE {PARTS[table]}" if table in PARTS else ""
    return f"SELECT COUNT(*) FROM {table}{where}"


@contextlib.asynccontextmanager
async def _feed_triggers_off(conn: asyncpg.Connection[asyncpg.Record]) -> AsyncIterator[None]:
    """Disable the triggers that write the mail and webhook feeds for the block (in the transaction:
    a failed copy leaves them on)."""
    found = await conn.fetch(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
        " WHERE NOT tgisinternal"
        " AND (tgname LIKE 'mail\\_feed\\_%' OR tgname LIKE 'hook\\_feed\\_%')"
    )
    for table, name in found:
        await conn.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
    yield
    for table, name in found:
        await conn.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')


async def _continue_numbers(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """Make the next feed items and conversations come after those copied (with their
    numbers)."""
    for table, column in (("mail_feed", "id"), ("hook_feed", "id"), ("conversations", "num")):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
        )


def _without_rowid(src: sqlite3.Connection, table: str) -> bool:
    row = src.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return bool(row and row[0].rstrip().upper().endswith("WITHOUT ROWID"))


async def _prepare_target(conn: asyncpg.Connection[asyncpg.Record], *, force: bool) -> None:
    """Refuse a target holding a desk (unless ``force``: then empty it)."""
    filled = [t for t in TABLES if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {t})")]
    if filled and not force:
        raise CopyError(
            "the target database is not empty (" + ", ".join(filled) + " have rows): "
            "copy into an empty database, or pass --force to replace its contents"
        )
    if filled or force:
        await conn.execute(f"TRUNCATE {', '.join((*TABLES, *_DERIVED))}")
