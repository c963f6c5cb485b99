"""PostgreSQL specifics: explicit migrations, the version check, the bounded pool, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from chatdesk.errors import ConfigError, InvalidPayload, StoreError
from chatdesk.models import (
    Author,
    AuthorKind,
    MessageDraft,
    TicketChanges,
    TicketMessage,
    TicketQuery,
    utcnow,
)
from chatdesk.store import PostgresStore
from chatdesk.store.migrations import SCHEMA_VERSION, statements
from chatdesk.store.postgres import migrate

from .ports import free_port
from .postgres import PostgresServer


@pytest.fixture
async def empty_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """A database without any schema."""
    url = await postgres_server.create_database(migrated=False)
    yield url
    await postgres_server.drop_database(url)


async def test_only_migrate_creates_the_schema_and_open_checks_it(empty_url: str) -> None:
    store = PostgresStore(empty_url)
    with pytest.raises(ConfigError, match=r"no chatdesk schema yet.*chatdesk db migrate"):
        await store.open()
    # Two processes migrating at once take turns: one migrates, the other finds it done.
    results = await asyncio.gather(migrate(empty_url), migrate(empty_url))
    assert sorted(results) == [(0, SCHEMA_VERSION), (SCHEMA_VERSION, SCHEMA_VERSION)]
    await store.open()
    try:
        await store.ping()
    finally:
        await store.close()


async def test_an_older_database_is_upgraded_with_its_data(empty_url: str) -> None:
    db = await asyncpg.connect(empty_url)
    try:
        # The schema as release 4 left it (before the reply cursor), with a conversation.
        for version in range(1, 5):
            for statement in statements(version, "postgresql"):
                await db.execute(statement)
        await db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        await db.execute("INSERT INTO schema_version VALUES (4)")
        await db.execute("INSERT INTO visitors (id, created_at, lang) VALUES ('v', 't', 'fr')")
        await db.execute(
            "INSERT INTO conversations (id, visitor_id, created_at, lang, last_seq)"
            " VALUES ('c', 'v', '2026-11-17T09:30:00.000Z', 'fr', 7)"
        )
        with pytest.raises(ConfigError, match="at version 4"):
            await PostgresStore(empty_url).open()
        assert await migrate(empty_url) == (4, SCHEMA_VERSION)
        assert await db.fetchval("SELECT version FROM schema_version") == SCHEMA_VERSION
    finally:
        await db.close()
    store = PostgresStore(empty_url)
    await store.open()
    try:
        conversation = await store.conversations.get_conversation("c")
        assert conversation is not None
        assert conversation.answered_seq == 7  # version 5 starts the cursor at the last seq
    finally:
        await store.close()


@pytest.mark.parametrize("start", [6, 7])
async def test_version_8_indexes_the_tickets_already_there(empty_url: str, start: int) -> None:
    db = await asyncpg.connect(empty_url)
    ticket = (
        "INSERT INTO tickets (id, number, conversation_id, subject, department, priority,"
        " status, created_at, updated_at) VALUES ($1, $2, 'c', $3, 'general', 'normal', 'new',"
        " '2026-11-17T09:30:00.000Z', '2026-11-17T09:30:00.000Z')"
    )
    message = (
        "INSERT INTO ticket_messages (id, ticket_id, author, text, ts)"
        " VALUES ($1, 'new', $2, $3, '2026-11-17T09:31:00.000Z')"
    )
    try:
        for version in range(1, 6):
            for statement in statements(version, "postgresql"):
                await db.execute(statement)
        await db.execute("INSERT INTO visitors (id, created_at, lang) VALUES ('v', 't', 'fr')")
        await db.execute(
            "INSERT INTO conversations (id, visitor_id, created_at, lang)"
            " VALUES ('c', 'v', '2026-11-17T09:30:00.000Z', 'fr')"
        )
        # A chat ticket from before the helpdesk, then one a version-6 (or 7) desk wrote.
        await db.execute(ticket, "old", 1, "Facture erronée")
        for version in range(6, start + 1):
            for statement in statements(version, "postgresql"):
                await db.execute(statement)
        await db.execute(ticket, "new", 2, "Imprimante")
        await db.execute(message, "m", "requester", "Bourrage papier")
        # An operator's reply: at version 7, the mail feed's trigger records it.
        await db.execute(message, "r", "operator", "Nous regardons")
        await db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        await db.execute("INSERT INTO schema_version VALUES ($1)", start)
        assert await migrate(empty_url) == (start, SCHEMA_VERSION)
    finally:
        await db.close()
    store = PostgresStore(empty_url)
    await store.open()
    try:
        for q, ticket_id in (("erronee facture", "old"), ("imprimante bourrage", "new")):
            page = await store.ticket_queries.search_tickets(TicketQuery(q=q))
            assert [t.id for t in page.tickets] == [ticket_id]
        # Mail works whichever version the desk came from; only version 7 fed the reply.
        feed = [(i.source, i.ref_id) for i in await store.mail.take_feed(10)]
        assert feed == ([("ticket_message", "r")] if start == 7 else [])
        await store.helpdesk.post_ticket_message(
            TicketMessage("new", AuthorKind.OPERATOR, "op", "Réglé", ts=utcnow()),
            [], TicketChanges(), [], expect=None, now=utcnow(),
        )  # fmt: skip
        assert [i.kind for i in await store.mail.take_feed(10)][-1] == "reply"
    finally:
        await store.close()


async def test_a_newer_database_is_refused(postgres_url: str) -> None:
    db = await asyncpg.connect(postgres_url)
    try:
        await db.execute("UPDATE schema_version SET version = $1", SCHEMA_VERSION + 1)
    finally:
        await db.close()
    with pytest.raises(ConfigError, match="newer than this chatdesk"):
        await PostgresStore(postgres_url).open()
    with pytest.raises(ConfigError, match="newer than this chatdesk"):
        await migrate(postgres_url)


async def connections(url: str) -> int:
    """Return how many connections chatdesk has open to the database of ``url``."""
    db = await asyncpg.connect(url)
    try:
        return int(
            await db.fetchval(
                "SELECT COUNT(*) FROM pg_stat_activity"
                " WHERE application_name = 'chatdesk' AND datname = current_database()"
            )
        )
    finally:
        await db.close()


async def test_the_pool_is_bounded(postgres_url: str) -> None:
    store = PostgresStore(postgres_url, pool_size=3)
    await store.open()
    try:
        _, conversation = await store.conversations.create_visitor(lang="fr", page="", now=utcnow())
        reads = await asyncio.gather(
            *(store.conversations.list_messages(conversation.id) for _ in range(40))
        )
        assert reads == [([], False)] * 40
        assert await connections(postgres_url) == 3  # 40 at once, through at most 3
    finally:
        await store.close()


async def test_concurrent_appends_are_committed_together(postgres_url: str) -> None:
    store = PostgresStore(postgres_url, pool_size=4)
    await store.open()
    try:
        conversations = [
            (await store.conversations.create_visitor(lang="fr", page="", now=utcnow()))[1]
            for _ in range(4)
        ]
        drafts = [
            (conversations[i % 4].id, MessageDraft(Author.VISITOR, f"m{i}", client_id=f"c{i}"))
            for i in range(80)
        ]
        stored = await asyncio.gather(
            *(store.conversations.append_message(cid, d) for cid, d in drafts)
        )
        # Group commit: appends waiting together share a transaction, on half the pool.
        assert await connections(postgres_url) <= 2
        for conversation in conversations:
            mine = [m for m, _ in stored if m.conversation_id == conversation.id]
            # Each conversation's messages numbered in the order they were sent, no gap.
            assert [m.seq for m in mine] == list(range(1, 21))
            assert [m.text for m in mine] == sorted(
                (m.text for m in mine), key=lambda t: int(t[1:])
            )
        # A retry sent with its original (one batch) or after it: stored once.
        twin = MessageDraft(Author.VISITOR, "twice", client_id="twin")
        pair = await asyncio.gather(
            *(store.conversations.append_message(conversations[0].id, twin) for _ in range(2))
        )
        assert sorted(created for _, created in pair) == [False, True]
        assert pair[0][0] == pair[1][0]
        again = await asyncio.gather(
            *(store.conversations.append_message(cid, d) for cid, d in drafts[:8])
        )
        assert [(m.id, created) for m, created in again] == [(m.id, False) for m, _ in stored[:8]]
    finally:
        await store.close()


async def test_unstorable_text_is_the_input_s_fault(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    await store.open()
    try:
        with pytest.raises(InvalidPayload):
            await store.conversations.create_visitor(lang="fr", page="/a\x00b", now=utcnow())
    finally:
        await store.close()


async def test_unreachable_or_closed_store_raises_store_error(postgres_url: str) -> None:
    with pytest.raises(StoreError):
        await PostgresStore(f"postgresql://chatdesk@127.0.0.1:{free_port()}/x").open()
    store = PostgresStore(postgres_url)
    with pytest.raises(StoreError, match="not open"):
        await store.ping()
    await store.open()
    await store.close()
    with pytest.raises(StoreError, match="not open"):
        await store.conversations.get_visitor("v")
