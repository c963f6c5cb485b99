"""Identifiers and timestamps: the cheap versions keep the old guarantees."""

from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime, timedelta, timezone

from chatdesk.models import format_ts, new_id, parse_ts


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
