"""SQLite: the reports' read model (tickets per day, outcomes per group)."""

from __future__ import annotations

import sqlite3

from ...models import DayCounts, Grouping, Outcome, ReportPeriod, TimeSpent
from .. import reportsql
from .worker import SqliteWorker

__all__ = ["SqliteReports"]


class SqliteReports:
    """:class:`~chatdesk.store.ReportQueries` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def tickets_per_day(self, period: ReportPeriod) -> list[DayCounts]:
        sql, bounds = reportsql.day_events_query("sqlite"), reportsql.span(period)
        rows = await self._worker.run(lambda conn: conn.execute(sql, bounds).fetchall())
        return reportsql.day_counts(period, rows)

    async def outcomes(self, period: ReportPeriod, by: Grouping) -> list[Outcome]:
        outcomes, breaches = reportsql.outcome_queries("sqlite", by)
        bounds = reportsql.span(period)

        def job(conn: sqlite3.Connection) -> list[Outcome]:
            # One job: no write comes between the two queries.
            return reportsql.outcomes_of(
                by,
                conn.execute(outcomes, bounds).fetchall(),
                conn.execute(breaches, bounds).fetchall(),
            )

        return await self._worker.run(job)

    async def time_spent(self, period: ReportPeriod) -> list[TimeSpent]:
        sql, bounds = reportsql.time_spent_query("sqlite"), reportsql.span(period)
        rows = await self._worker.run(lambda conn: conn.execute(sql, bounds).fetchall())
        return reportsql.time_spent_of(rows)

    async def rule_counts(self, period: ReportPeriod) -> dict[str, int]:
        sql, bounds = reportsql.rules_query("sqlite"), reportsql.span(period)
        rows = await self._worker.run(lambda conn: conn.execute(sql, bounds).fetchall())
        return reportsql.rule_counts_of(rows)
