"""Identifiers and timestamps: the cheap versions keep the old guarantees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from chatdesk.models import format_ts, parse_ts


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
