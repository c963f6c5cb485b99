"""PostgreSQL: the reports' read model (tickets per day, outcomes per group)."""

from __future__ import annotations

from ...models import DayCounts, Grouping, Outcome, ReportPeriod, TimeSpent
from .. import reportsql
from .database import Database

__all__ = ["PostgresReports"]


class PostgresReports:
    """:class:`~chatdesk.store.ReportQueries` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def tickets_per_day(self, period: ReportPeriod) -> list[DayCounts]:
        rows = await self._db.fetch(
            reportsql.day_events_query("postgresql"), *reportsql.span(period)
        )
        return reportsql.day_counts(period, rows)

    async def outcomes(self, period: ReportPeriod, by: Grouping) -> list[Outcome]:
        outcomes, breaches = reportsql.outcome_queries("postgresql", by)
        bounds = reportsql.span(period)
        # One snapshot for both queries (REPEATABLE READ): the figures agree.
        async with (
            self._db.connection() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            groups = await conn.fetch(outcomes, *bounds)
            breached = await conn.fetch(breaches, *bounds)
        return reportsql.outcomes_of(by, groups, breached)

    async def time_spent(self, period: ReportPeriod) -> list[TimeSpent]:
        return reportsql.time_spent_of(
            await self._db.fetch(reportsql.time_spent_query("postgresql"), *reportsql.span(period))
        )

    async def rule_counts(self, period: ReportPeriod) -> dict[str, int]:
        return reportsql.rule_counts_of(
            await self._db.fetch(reportsql.rules_query("postgresql"), *reportsql.span(period))
        )
