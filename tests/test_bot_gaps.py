"""Learning from misses: the store keeps them, kb gaps groups them and proposes YAML."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatdesk.app import STORE, VISITORS
from chatdesk.bot.brain import Bot
from chatdesk.bot.embeddings import Embedder
from chatdesk.bot.gaps import find_gaps
from chatdesk.bot.knowledge import load_knowledge
from chatdesk.cli import main
from chatdesk.models import Miss
from chatdesk.web.appkeys import SETTINGS

from .conftest import STORE_BACKENDS
from .postgres import PostgresServer

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def miss(text: str, lang: str = "en", kind: str = "no_answer", minutes: int = 0) -> Miss:
    return Miss(text, lang, kind, None, NOW + timedelta(minutes=minutes))


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.build(load_knowledge(FIXTURE))


def test_misses_are_grouped_by_meaning_with_proposals(bot: Bot) -> None:
    misses = [
        miss("how do I point my domain to your servers", minutes=1),
        miss("change the DNS of my domain name", minutes=2),
        miss("comment modifier les DNS de mon domaine", "fr", minutes=3),
        miss("ik kan mijn factuur nergens vinden", "nl", "thumbs_down", minutes=4),
        miss("ik vind mijn factuur niet terug", "nl", minutes=5),
        miss("what is the weather tomorrow", minutes=6),  # alone: below min_count
        miss("I want to talk to a person", kind="escalation", minutes=7),  # not a question
        miss("merci", "fr", minutes=8),  # small talk
    ]
    gaps = find_gaps(bot, misses, embedder=Embedder(), min_count=2)
    by_examples = {frozenset(g.examples): g for g in gaps}
    assert len(gaps) == 2, [g.examples for g in gaps]
    invoices = next(g for g in gaps if g.entry_id == "invoices")
    assert invoices.proposal == "add_questions" and invoices.lang == "nl"
    assert invoices.kinds == {"no_answer": 1, "thumbs_down": 1}
    assert set(invoices.examples) == {
        "ik kan mijn factuur nergens vinden",
        "ik vind mijn factuur niet terug",
    }
    dns = next(g for g in gaps if g is not invoices)
    assert dns.proposal == "new_entry" and dns.count == 3 and dns.lang == "en"
    assert len(by_examples) == 2
    # The snippets are YAML an author can paste under `entries:`.
    added = yaml.safe_load(invoices.snippet("knowledge/billing.yaml"))
    assert added == [{"id": "invoices", "nl": {"questions": invoices.examples}}]
    assert "# Add to entry `invoices` in knowledge/billing.yaml, under `nl.questions`" in (
        invoices.snippet("knowledge/billing.yaml")
    )
    new = yaml.safe_load(dns.snippet())[0]
    assert new["id"] == "change-the-dns-of-my"  # from the most typical English text
    assert set(new["en"]["questions"]) == {
        "how do I point my domain to your servers",
        "change the DNS of my domain name",
    }
    assert new["fr"] == {
        "questions": ["comment modifier les DNS de mon domaine"],
        "answer": "TODO: the answer",
    }


@pytest.fixture(params=STORE_BACKENDS)
async def database(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, str]]:
    """The desk's database as settings: SQLite in the data dir, or a fresh PostgreSQL."""
    if request.param == "sqlite":
        yield {}
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    yield {"database_url": url}
    await server.drop_database(url)


async def test_the_store_keeps_misses_and_kb_gaps_reads_them(
    database: dict[str, str],
    start_server: Any,
    new_client: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = await start_server(knowledge_dir=FIXTURE, **database)
    store = server.app[STORE]
    before = datetime.now(UTC) - timedelta(seconds=1)
    alice = new_client(server)
    await alice.connect({"lang": "en"})
    for text in ("how do I point my domain to your servers", "change the DNS of my domain"):
        await alice.say(text)
        assert (await alice.bot_reply())["kind"] in ("no_answer", "suggest")
    await alice.say("where can I download my invoices as PDF?")
    answer = await alice.bot_reply()
    assert answer["kind"] == "answer"
    await alice.call("feedback", {"message_id": answer["id"], "useful": False})
    bob = new_client(server)
    await bob.connect({"lang": "fr"})
    await bob.say("comment modifier les DNS de mon domaine")
    await bob.bot_reply()
    await bob.say("je veux parler à un conseiller")
    await bob.bot_reply()
    await server.app[VISITORS].drain()

    misses = await store.feedback.misses(since=before)
    kinds = sorted((m.kind, m.text) for m in misses)
    assert kinds == [
        ("escalation", "comment modifier les DNS de mon domaine"),
        ("escalation", "je veux parler à un conseiller"),
        ("no_answer", "change the DNS of my domain"),
        ("no_answer", "comment modifier les DNS de mon domaine"),
        ("no_answer", "how do I point my domain to your servers"),
        ("thumbs_down", "where can I download my invoices as PDF?"),
    ]
    rated = next(m for m in misses if m.kind == "thumbs_down")
    assert rated.entry_id == "invoices" and rated.lang == "en"
    assert [m.ts for m in misses] == sorted((m.ts for m in misses), reverse=True)
    assert await store.feedback.misses(since=datetime.now(UTC) + timedelta(hours=1)) == []
    assert len(await store.feedback.misses(limit=2)) == 2

    data_dir = Path(server.app[SETTINGS].data_dir)
    snippets = tmp_path / "gaps.yaml"
    # The desk's database: its SQLite file in --data-dir, or CHATDESK_DATABASE_URL's.
    where = ["--data-dir", str(data_dir)]
    if database:
        monkeypatch.chdir(tmp_path)  # no stray .env
        monkeypatch.setenv("CHATDESK_DATABASE_URL", database["database_url"])
        monkeypatch.setenv("CHATDESK_DATA_DIR", str(data_dir))  # the embeddings' cache
        where = []
    status = await asyncio.to_thread(  # the command runs its own event loop
        main,
        [
            "kb", "gaps", *where, "--knowledge", str(FIXTURE),
            "--json", "--write", str(snippets), "--since", before.date().isoformat(),
        ],
    )  # fmt: skip
    assert status == 0
    report = json.loads(capsys.readouterr().out)
    assert report["misses"] == 6
    # The request for a person is left out; the French question counts twice (unanswered,
    # then escalated with it).
    (dns,) = report["gaps"]
    assert (dns["count"], dns["proposal"]) == (4, "new_entry")
    assert dns["kinds"] == {"no_answer": 3, "escalation": 1}
    assert yaml.safe_load(snippets.read_text(encoding="utf-8"))[0]["en"]["questions"]


def test_kb_gaps_refuses_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "gaps", "--data-dir", str(tmp_path), "--knowledge", str(FIXTURE)]) == 1
    assert "no desk database" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["kb", "gaps", "--since", "yesterday"])
