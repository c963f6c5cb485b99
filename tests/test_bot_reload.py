"""Hot reload: a good change is swapped in within 2 s, a bad one keeps the last good."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chatdesk.bot.library import KnowledgeLibrary
from chatdesk.bot.markdown import render_answer
from chatdesk.bot.policy import Kind

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"

NEW_ENTRY = """
  - id: ssl-certificate
    fr:
      questions: ["Comment activer un certificat SSL", "mon site n'est pas en https"]
      answer: Le certificat SSL est gratuit et activé automatiquement.
"""


@pytest.fixture
async def library(tmp_path: Path) -> AsyncIterator[KnowledgeLibrary]:
    directory = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, directory)
    lib = KnowledgeLibrary(directory, cache_path=tmp_path / "embeddings.sqlite3", settle=0.05)
    await lib.start()
    yield lib
    await lib.stop()


async def test_good_change_is_swapped_in_within_two_seconds(library: KnowledgeLibrary) -> None:
    before = library.current
    assert before is not None and "ssl-certificate" not in before.knowledge.entries
    reloaded = library.next_reload()
    with (library.directory / "account.yaml").open("a", encoding="utf-8") as fh:
        fh.write(NEW_ENTRY)
    assert await asyncio.wait_for(reloaded, 2.0) is True
    after = library.current
    assert after is not None and after is not before
    assert after.knowledge.version != before.knowledge.version
    decision = after.decide("comment activer le certificat SSL", "fr")
    assert (decision.kind, decision.entry_id) == (Kind.ANSWER, "ssl-certificate")
    # Only the new entry's texts were embedded (two questions and the answer): the
    # rest came from the cache.
    assert library.embedder is not None and library.embedder.last_encoded == 3


async def test_saving_without_a_change_keeps_the_bot(library: KnowledgeLibrary) -> None:
    before = library.current
    reloaded = library.next_reload()
    path = library.directory / "account.yaml"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert await asyncio.wait_for(reloaded, 2.0) is True
    assert library.current is before


async def test_bad_change_keeps_the_last_good_knowledge(
    library: KnowledgeLibrary, caplog: pytest.LogCaptureFixture
) -> None:
    good = library.current
    reloaded = library.next_reload()
    bad = library.directory / "broken.yaml"
    bad.write_text("entries:\n  - id: broken\n    fr: {questions: [a]}\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="chatdesk.bot.library"):
        assert await asyncio.wait_for(reloaded, 2.0) is False
    assert library.current is good
    assert library.error is not None
    assert f"{bad}:3:" in caplog.text and "no `answer`" in caplog.text
    # Fixing the file is picked up again.
    reloaded = library.next_reload()
    bad.unlink()
    assert await asyncio.wait_for(reloaded, 2.0) is True
    assert library.error is None


async def test_bot_file_change_is_picked_up(library: KnowledgeLibrary) -> None:
    reloaded = library.next_reload()
    (library.directory / "_bot.yaml").write_text("en:\n  greeting: Howdy!\n", encoding="utf-8")
    assert await asyncio.wait_for(reloaded, 2.0) is True
    assert library.current is not None
    assert library.current.knowledge.bot.text("en").greeting == "Howdy!"


async def test_invalid_knowledge_at_start_raises(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("entries: [", encoding="utf-8")
    with pytest.raises(Exception, match=r"a\.yaml:1"):
        await KnowledgeLibrary(tmp_path).start()


async def test_a_build_renders_every_answer_off_the_loop(library: KnowledgeLibrary) -> None:
    """The responder then finds every answer's HTML in the cache: the loop renders none."""
    reloaded = library.next_reload()
    with (library.directory / "account.yaml").open("a", encoding="utf-8") as fh:
        fh.write(NEW_ENTRY)
    assert await asyncio.wait_for(reloaded, 2.0) is True
    bot = library.current
    assert bot is not None
    answers = {b.answer for e in bot.knowledge.entries.values() for b in e.langs.values()}
    assert "Le certificat SSL est gratuit et activé automatiquement." in answers
    before = render_answer.cache_info()
    for answer in answers:
        render_answer(answer)
    after = render_answer.cache_info()
    assert (after.misses, after.hits) == (before.misses, before.hits + len(answers))
