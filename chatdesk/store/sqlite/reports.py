"""SQLite: the reports' read model (tickets per day, outcomes per group)."""

from __future__ import annotations

import sqlite3
from bisect import bisect_right

from ...models import DayCounts, Grouping, Outcome, ReportPeriod, format_ts
from .worker import SqliteWorker

__all__ = ["SqliteReports"]

_KEYS: dict[Grouping, str] = {
    "department": "t.department",
    "operator": "t.operator_id",
    "priority": "t.priority",
}


def _within(column: str) -> str:
    return f"({column} >= :start AND {column} < :end)"


def _seconds(column: str) -> str:
    """Elapsed seconds from filing to ``column``, for rows where it falls in the period."""
    return (
        f"AVG(CASE WHEN {_within(column)} THEN"
        f" (julianday({column}) - julianday(t.created_at)) * 86400.0 END)"
    )


_OUTCOMES = f"""
    SELECT {{key}} AS k,
        SUM({_within("t.created_at")}),
        SUM({_within("t.closed_at")}),
        SUM({_within("t.first_response_at")}),
        SUM({_within("t.first_response_at")}
            AND (t.due_at IS NULL OR t.first_response_at <= t.due_at)),
        {_seconds("t.first_response_at")},
        SUM({_within("t.resolved_at")}),
        SUM({_within("t.resolved_at")}
            AND (t.resolution_due IS NULL OR t.resolved_at <= t.resolution_due)),
        {_seconds("t.resolved_at")},
        SUM({_within("t.rated_at")} AND t.rating IS NOT NULL),
        AVG(CASE WHEN {_within("t.rated_at")} THEN t.rating END),
        SUM({_within("t.rated_at")} AND t.rating >= 4),
        MAX(o.name)
    FROM tickets t LEFT JOIN operators o ON o.id = t.operator_id
    WHERE {_within("t.created_at")} OR {_within("t.closed_at")}
        OR {_within("t.first_response_at")} OR {_within("t.resolved_at")}
        OR {_within("t.rated_at")}
    GROUP BY k
"""
_BREACHES = f"""
    SELECT {{key}} AS k, COUNT(*), MAX(o.name) FROM ticket_events e
    JOIN tickets t ON t.id = e.ticket_id LEFT JOIN operators o ON o.id = t.operator_id
    WHERE e.kind = 'sla_breach' AND {_within("e.ts")} GROUP BY k
"""


def _label(by: Grouping, key: str | None, name: str | None) -> str:
    return (name or key or "") if by == "operator" else (key or "")


class SqliteReports:
    """:class:`~chatdesk.store.ReportQueries` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def tickets_per_day(self, period: ReportPeriod) -> list[DayCounts]:
        bounds = [format_ts(d) for d in period.days]
        span = {"start": bounds[0], "end": bounds[-1]}

        def day_of(ts: str) -> int:
            # Times share one format, so they sort as text; day i is [bounds[i], bounds[i+1]).
            return bisect_right(bounds, ts) - 1

        def job(conn: sqlite3.Connection) -> list[DayCounts]:
            counts = [[0, 0, 0] for _ in bounds[:-1]]
            for column, sql in enumerate(
                (
                    f"SELECT created_at FROM tickets t WHERE {_within('t.created_at')}",
                    f"SELECT closed_at FROM tickets t WHERE {_within('t.closed_at')}",
                    "SELECT ts FROM ticket_events e"
                    f" WHERE e.kind = 'sla_breach' AND {_within('e.ts')}",
                )
            ):
                for (ts,) in conn.execute(sql, span):
                    counts[day_of(ts)][column] += 1
            return [DayCounts(*c) for c in counts]

        return await self._worker.run(job)

    async def outcomes(self, period: ReportPeriod, by: Grouping) -> list[Outcome]:
        key = _KEYS[by]
        span = {"start": format_ts(period.start), "end": format_ts(period.end)}

        def job(conn: sqlite3.Connection) -> list[Outcome]:
            breaches = {
                k: (int(n), name) for k, n, name in conn.execute(_BREACHES.format(key=key), span)
            }
            found: dict[str | None, Outcome] = {}
            for row in conn.execute(_OUTCOMES.format(key=key), span):
                k = row[0]
                count, _ = breaches.pop(k, (0, None))
                n = [int(v or 0) for v in row[1:12]]  # counts (the averages are read apart)
                found[k] = Outcome(
                    k, _label(by, k, row[12]), opened=n[0], closed=n[1],
                    first_responses=n[2], first_response_met=n[3],
                    first_response_seconds=row[5], resolutions=n[5], resolution_met=n[6],
                    resolution_seconds=row[8], breaches=count, ratings=n[8],
                    rating_average=row[10], satisfied=n[10],
                )  # fmt: skip
            for k, (count, name) in breaches.items():  # breached, nothing else in the period
                found[k] = Outcome(k, _label(by, k, name), breaches=count)
            return sorted(found.values(), key=lambda o: (o.key is None, o.key or ""))

        return await self._worker.run(job)
