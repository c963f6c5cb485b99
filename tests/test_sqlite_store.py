"""SQLite specifics: durability across reopen, migrations, WAL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chatdesk.errors import ConfigError, StoreError
from chatdesk.models import Author, MessageDraft, utcnow
from chatdesk.store import SqliteStore
from chatdesk.store.migrations import MIGRATIONS, statements


async def test_data_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = SqliteStore(path)
    await store.open()
    visitor, conversation = await store.conversations.create_visitor(
        lang="fr", page="", now=utcnow()
    )
    stored, _ = await store.conversations.append_message(
        conversation.id, MessageDraft(Author.VISITOR, "hi")
    )
    await store.close()

    reopened = SqliteStore(path)
    await reopened.open()
    try:
        assert await reopened.conversations.get_visitor(visitor.id) == visitor
        assert (await reopened.conversations.list_messages(conversation.id))[0] == [stored]
    finally:
        await reopened.close()


async def test_schema_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = SqliteStore(path)
    await store.open()
    await store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


async def test_newer_schema_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    store = SqliteStore(path)
    with pytest.raises(ConfigError, match="newer"):
        await store.open()


async def test_closed_store_raises_store_error(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db.sqlite3")
    with pytest.raises(StoreError):
        await store.ping()


async def test_wal_is_checkpointed_and_truncated_at_close(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = SqliteStore(path)
    await store.open()
    _, conversation = await store.conversations.create_visitor(lang="fr", page="", now=utcnow())
    for i in range(50):
        await store.conversations.append_message(
            conversation.id, MessageDraft(Author.VISITOR, f"m{i}")
        )
    await store.close()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 50
    conn.close()


async def test_a_database_of_an_earlier_release_is_upgraded_at_open(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    # The schema as release 4 left it (before the reply cursor), with a conversation in it.
    for version in range(1, 5):
        for statement in statements(version, "sqlite"):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO visitors (id, created_at, lang) VALUES ('v', 't', 'fr')")
    conn.execute(
        "INSERT INTO conversations (id, visitor_id, created_at, lang, last_seq)"
        " VALUES ('c', 'v', '2026-11-17T09:30:00.000Z', 'fr', 7)"
    )
    conn.close()
    store = SqliteStore(path)
    await store.open()
    try:
        conversation = await store.conversations.get_conversation("c")
        assert conversation is not None and conversation.answered_seq == 7
    finally:
        await store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    # The messages table is still clustered on its key, as release 1 made it.
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'messages'").fetchone()
    assert sql.endswith("WITHOUT ROWID")
    conn.close()
