"""Schema version 25 (messages keyed by their conversation's number) on a desk that already
has chats: on both backends, every message, rating and choice is still there and behaves."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from chatdesk.models import Author, MessageDraft, utcnow
from chatdesk.store import PostgresStore, SqliteStore
from chatdesk.store.base import Store
from chatdesk.store.migrations import SCHEMA_VERSION, statements
from chatdesk.store.postgres import migrate

from .postgres import PostgresServer

pytestmark = pytest.mark.skipif(SCHEMA_VERSION < 25, reason="before version 25")

_BEFORE = 24
_TS = "2026-11-17T09:30:00.000Z"
#: Two visitors' chats as a version-24 desk stored them (``?`` placeholders).
_ROWS: list[tuple[str, tuple[object, ...]]] = [
    ("INSERT INTO visitors (id, created_at, lang) VALUES (?, ?, 'fr')", ("v1", _TS)),
    ("INSERT INTO visitors (id, created_at, lang) VALUES (?, ?, 'nl')", ("v2", _TS)),
    (
        "INSERT INTO conversations (id, visitor_id, created_at, lang, last_seq, answered_seq)"
        " VALUES (?, ?, ?, 'fr', 3, 3)",
        ("c1", "v1", _TS),
    ),
    (
        "INSERT INTO conversations (id, visitor_id, created_at, lang, last_seq, answered_seq)"
        " VALUES (?, ?, ?, 'nl', 1, 1)",
        ("c2", "v2", _TS),
    ),
    *(
        (
            "INSERT INTO messages (conversation_id, seq, id, author, text, ts, client_id, extra)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        for row in (
            ("c1", 1, "m1", "visitor", "Bonjour", _TS, "k1", None),
            ("c1", 2, "m2", "bot", "Voici", _TS, None, '{"entry_id": "hours"}'),
            ("c1", 3, "m3", "visitor", "Merci", _TS, "k2", None),
            ("c2", 1, "m4", "visitor", "Hallo", _TS, "k1", None),
        )
    ),
    (
        "INSERT INTO feedback (message_id, conversation_id, entry_id, useful, ts)"
        " VALUES (?, ?, ?, ?, ?)",
        ("m2", "c1", "hours", 1, _TS),
    ),
    (
        "INSERT INTO choices (message_id, conversation_id, entry_id, ts) VALUES (?, ?, ?, ?)",
        ("m2", "c1", "hours", _TS),
    ),
]


def _numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1``, ``$2``..."""
    parts = sql.split("?")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, 1))


async def _sqlite_desk(path: Path) -> Store:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    for version in range(1, _BEFORE + 1):
        for statement in statements(version, "sqlite"):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {_BEFORE}")
    for sql, params in _ROWS:
        conn.execute(sql, params)
    conn.close()
    return SqliteStore(path)


async def _postgres_desk(url: str) -> Store:
    db = await asyncpg.connect(url)
    try:
        for version in range(1, _BEFORE + 1):
            for statement in statements(version, "postgresql"):
                await db.execute(statement)
        await db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        await db.execute("INSERT INTO schema_version VALUES ($1)", _BEFORE)
        for sql, params in _ROWS:
            await db.execute(_numbered(sql), *params)
    finally:
        await db.close()
    assert await migrate(url) == (_BEFORE, SCHEMA_VERSION)
    return PostgresStore(url)


@pytest.fixture(params=["sqlite", "postgres"])
async def desk(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A version-24 desk holding :data:`_ROWS`, migrated and opened."""
    if request.param == "sqlite":
        store = await _sqlite_desk(tmp_path / "db.sqlite3")
        await store.open()  # migrates
        yield store
        await store.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.create_database(migrated=False)
    store = await _postgres_desk(url)
    await store.open()
    yield store
    await store.close()
    await server.drop_database(url)


async def test_the_messages_are_read_as_before(desk: Store) -> None:
    messages, more = await desk.conversations.list_messages("c1")
    assert not more
    assert [(m.id, m.conversation_id, m.seq, m.text) for m in messages] == [
        ("m1", "c1", 1, "Bonjour"),
        ("m2", "c1", 2, "Voici"),
        ("m3", "c1", 3, "Merci"),
    ]
    assert messages[1].extra == {"entry_id": "hours"}
    later, _ = await desk.conversations.list_messages("c2", since=0)
    assert [(m.id, m.conversation_id) for m in later] == [("m4", "c2")]
    assert await desk.feedback.feedback_summary() == {"hours": (1, 0)}


async def test_appends_go_on_numbering_and_recognise_old_retries(desk: Store) -> None:
    store = desk.conversations
    message, created = await store.append_message(
        "c1", MessageDraft(author=Author.VISITOR, text="Encore", client_id="k3")
    )
    assert created and (message.seq, message.conversation_id) == (4, "c1")
    # A retry of a message stored before the migration is recognised.
    again, created = await store.append_message(
        "c1", MessageDraft(author=Author.VISITOR, text="Merci", client_id="k2")
    )
    assert not created and again.id == "m3"
    # The same client id in another conversation is another message.
    other, created = await store.append_message(
        "c2", MessageDraft(author=Author.VISITOR, text="Nog", client_id="k2")
    )
    assert created and (other.seq, other.conversation_id) == (2, "c2")
    # A new conversation gets its own number: its messages are its own.
    _, conversation = await store.create_visitor(lang="en", page="/", now=utcnow())
    first, _ = await store.append_message(
        conversation.id, MessageDraft(author=Author.VISITOR, text="Hi", client_id="k1")
    )
    assert first.seq == 1
    listed, _ = await store.list_messages(conversation.id)
    assert [m.id for m in listed] == [first.id]


async def test_ratings_and_deletes_still_reach_the_messages(desk: Store) -> None:
    await desk.feedback.record_feedback("c1", "m2", useful=False, now=utcnow())
    messages, _ = await desk.conversations.list_messages("c1")
    assert messages[1].extra == {"entry_id": "hours", "feedback": False}
    assert await desk.feedback.feedback_summary() == {"hours": (0, 1)}
    # The gaps tool finds the question behind the rating (through the conversation).
    misses = await desk.feedback.misses()
    assert [(m.text, m.kind, m.conversation_id) for m in misses] == [
        ("Bonjour", "thumbs_down", "c1")
    ]
    await desk.conversations.delete_visitor("v1")
    assert await desk.conversations.list_messages("c1") == ([], False)
    assert await desk.feedback.feedback_summary() == {}
    kept, _ = await desk.conversations.list_messages("c2")
    assert [m.id for m in kept] == ["m4"]


async def test_a_conversation_deleted_takes_its_ratings_and_choices(tmp_path: Path) -> None:
    # The ratings and choices hang off the conversation now (no index on message ids).
    store = await _sqlite_desk(tmp_path / "db.sqlite3")
    await store.open()
    await store.close()
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        indexes = [r[1] for r in conn.execute("PRAGMA index_list(messages)")]
        assert "messages_by_client_id" in indexes and len(indexes) == 2  # and the key
        conn.execute("DELETE FROM visitors WHERE id = 'v1'")
        for table in ("messages", "feedback", "choices"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == (
                1 if table == "messages" else 0
            )
    finally:
        conn.close()
