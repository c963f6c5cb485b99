"""Identifiers and timestamps: the cheap versions keep the old guarantees."""

from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from chatdesk.models import MessageDraft, clock, format_ts, new_id, parse_ts
from chatdesk.models.clock import new_sortable_id
from chatdesk.models.conversations import Author


def test_ids_are_32_hex_and_unique_across_threads() -> None:
    seen: list[list[str]] = [[] for _ in range(4)]

    def draw(into: list[str]) -> None:
        into.extend(new_id() for _ in range(5_000))

    threads = [threading.Thread(target=draw, args=(out,)) for out in seen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [i for out in seen for i in out]
    assert len(set(ids)) == len(ids) == 20_000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_sortable_ids_are_32_hex_unique_and_sort_by_creation_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_764_576_000_000_000_000]  # 2025-12-01, in ns
    monkeypatch.setattr(clock, "time", SimpleNamespace(time_ns=lambda: now[0]))
    first = [new_sortable_id() for _ in range(1_000)]
    now[0] += 1_000_000  # one millisecond later
    later = [new_sortable_id() for _ in range(1_000)]
    assert len(set(first + later)) == 2_000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in first + later)
    assert max(first) < min(later)
    assert int(later[0][:12], 16) == 1_764_576_000_001
    # Chat messages take them (their index then grows at its right edge).
    assert MessageDraft(author=Author.VISITOR, text="hi").id[:12] == later[0][:12]


def test_a_forked_child_does_not_reuse_the_parents_ids() -> None:
    new_id()  # the parent holds a batch drawn in advance
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id, then leave at once
        os.write(write, new_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parents = {new_id() for _ in range(300)}
    assert re.fullmatch(r"[0-9a-f]{32}", child)
    assert child not in parents


def test_timestamps_keep_their_format() -> None:
    cases = {
        datetime(2026, 11, 30, 21, 5, 7, 123456, tzinfo=UTC): "2026-11-30T21:05:07.123Z",
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))): (
            "2026-01-02T01:04:05.000Z"
        ),
        datetime(
            2026, 1, 2, 3, 4, 5, 999999, tzinfo=timezone(timedelta(0))
        ): "2026-01-02T03:04:05.999Z",
    }
    for ts, text in cases.items():
        assert format_ts(ts) == text
        assert parse_ts(text) == ts.replace(microsecond=ts.microsecond // 1000 * 1000)


def test_utcnow_is_the_exact_millisecond(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every millisecond of a stretch around today (the float in between must not round
    # it to 0.999 or 1.001 ms), against datetime's own arithmetic.
    start = 1_764_576_000_000  # 2025-12-01, in ms
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    for ms in range(start, start + 20_000, 7):
        monkeypatch.setattr(clock, "time", SimpleNamespace(time_ns=lambda ms=ms: ms * 10**6 + 999))
        now = clock.utcnow()
        assert now == epoch + timedelta(milliseconds=ms)
        assert now.tzinfo is UTC and now.microsecond % 1000 == 0
