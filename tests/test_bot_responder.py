"""The bot responder's worker threads."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from chatdesk.bot.library import KnowledgeLibrary
from chatdesk.bot.responder import BOT_NICENESS, BotResponder

SHIPPED = Path(__file__).parent.parent / "knowledge"


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness: Linux")
def test_the_bot_thinks_at_a_lower_priority_than_the_event_loop() -> None:
    responder = BotResponder(KnowledgeLibrary(SHIPPED))
    # The thread that answers questions, not the loop's (nor the process's other threads).
    bot_thread = responder._threads.submit(niceness).result()
    assert bot_thread == min(19, niceness() + BOT_NICENESS)
