"""``chatdesk db migrate`` and ``chatdesk db backup`` on both backends."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from chatdesk.cli import main
from chatdesk.models import utcnow
from chatdesk.store import SqliteStore
from chatdesk.store.migrations import SCHEMA_VERSION

from .postgres import PostgresServer

Run = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def chatdesk(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Run:
    """Run the ``chatdesk`` command line (on a thread: it runs its own event loop)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))

    async def run(*argv: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(f"CHATDESK_{name.upper()}", value)
        status = await asyncio.to_thread(main, list(argv))
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


async def test_migrate_sqlite_says_where_it_was_and_is(chatdesk: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    status, out, _ = await chatdesk("db", "migrate", database_url=url)
    assert status == 0 and f"migrated from version 0 to {SCHEMA_VERSION}" in out
    status, out, _ = await chatdesk("db", "migrate", database_url=url)
    assert status == 0 and f"at version {SCHEMA_VERSION}, up to date" in out


async def test_migrate_postgresql_says_where_it_was_and_is(
    chatdesk: Run, postgres_server: PostgresServer
) -> None:
    url = await postgres_server.create_database(migrated=False)
    try:
        status, out, _ = await chatdesk("db", "migrate", database_url=url)
        assert status == 0 and f"migrated from version 0 to {SCHEMA_VERSION}" in out
        status, out, _ = await chatdesk("db", "migrate", database_url=url)
        assert status == 0 and "up to date" in out
    finally:
        await postgres_server.drop_database(url)


async def test_backup_sqlite_copies_a_live_database(chatdesk: Run, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "data" / "chatdesk.sqlite3")
    await store.open()
    try:
        visitor, _ = await store.conversations.create_visitor(lang="fr", page="", now=utcnow())
        # The desk is still open (and writing) while the backup is taken.
        target = tmp_path / "b.sqlite3"
        status, out, _ = await chatdesk("db", "backup", str(target))
        assert status == 0 and str(target) in out
        status, _, err = await chatdesk("db", "backup", str(target))
        assert status == 2 and "exists" in err  # never overwritten
        status, out, _ = await chatdesk("db", "backup")
        assert status == 0 and len(list((tmp_path / "data" / "backups").iterdir())) == 1
    finally:
        await store.close()
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT id FROM visitors").fetchall() == [(visitor.id,)]
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()


async def test_backup_postgresql_gives_the_pg_dump_command(chatdesk: Run) -> None:
    url = "postgresql://desk:s3cret@db.internal:5432/chatdesk"
    status, out, err = await chatdesk("db", "backup", "/srv/desk.dump", database_url=url)
    assert status == 1 and out == ""  # nothing was written
    command = (
        "pg_dump --format=custom --file=/srv/desk.dump "
        "--dbname='postgresql://desk@db.internal:5432/chatdesk'"
    )
    assert command in err and "s3cret" not in err and "PGPASSWORD" in err
