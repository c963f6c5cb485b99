"""The reports' queries in SQL shared by the backends, and their rows turned into figures."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from ..models import DayCounts, Grouping, Outcome, ReportPeriod, TimeSpent, format_ts
from .migrations import Dialect

__all__ = [
    "day_counts",
    "day_events_query",
    "outcome_queries",
    "outcomes_of",
    "span",
    "time_spent_of",
    "time_spent_query",
]

_KEYS: dict[Grouping, str] = {
    "department": "t.department",
    "operator": "t.operator_id",
    "priority": "t.priority",
    "tag": "tg.value",
}
#: Per tag, a ticket counts once for each of its tags (untagged tickets are left out): its
#: comma-joined tags as rows (tags hold no quote, see helpdesk.common.clean_tags).
_TAG_ROWS = {
    "sqlite": "JOIN json_each('[\"' || replace(t.tags, ',', '\",\"') || '\"]') tg",
    "postgresql": "CROSS JOIN LATERAL unnest(string_to_array(t.tags, ',')) AS tg(value)",
}
#: Numbered placeholders: ``?1`` on SQLite, ``$1`` on PostgreSQL.
_PLACEHOLDER = {"sqlite": "?", "postgresql": "$"}
#: Seconds from a ticket's filing to ``{column}`` (both ISO 8601 text).
_ELAPSED = {
    "sqlite": "(julianday({column}) - julianday(t.created_at)) * 86400.0",
    "postgresql": "EXTRACT(EPOCH FROM ({column}::timestamptz - t.created_at::timestamptz))",
}


def _within(column: str) -> str:
    return f"({column} >= {{p}}1 AND {column} < {{p}}2)"


def _count(condition: str) -> str:
    return f"COUNT(CASE WHEN {condition} THEN 1 END)"


def _average(column: str, value: str) -> str:
    # PostgreSQL averages integers and intervals' seconds as numeric: a float for both.
    return f"CAST(AVG(CASE WHEN {_within(column)} THEN {value} END) AS DOUBLE PRECISION)"


_RESPONDED_IN_TIME = (
    f"{_within('t.first_response_at')} AND (t.due_at IS NULL OR t.first_response_at <= t.due_at)"
)
_RESOLVED_IN_TIME = (
    f"{_within('t.resolved_at')}"
    " AND (t.resolution_due IS NULL OR t.resolved_at <= t.resolution_due)"
)
_OUTCOMES = f"""
    SELECT {{key}} AS k,
        {_count(_within("t.created_at"))},
        {_count(_within("t.closed_at"))},
        {_count(_within("t.first_response_at"))},
        {_count(_RESPONDED_IN_TIME)},
        {_average("t.first_response_at", "{first_response}")},
        {_count(_within("t.resolved_at"))},
        {_count(_RESOLVED_IN_TIME)},
        {_average("t.resolved_at", "{resolution}")},
        {_count(f"{_within('t.rated_at')} AND t.rating IS NOT NULL")},
        {_average("t.rated_at", "t.rating")},
        {_count(f"{_within('t.rated_at')} AND t.rating >= 4")},
        MAX(o.name)
    FROM tickets t {{rows}} LEFT JOIN operators o ON o.id = t.operator_id
    WHERE ({_within("t.created_at")} OR {_within("t.closed_at")}
        OR {_within("t.first_response_at")} OR {_within("t.resolved_at")}
        OR {_within("t.rated_at")}){{only}}
    GROUP BY {{key}}
"""
_BREACHES = f"""
    SELECT {{key}} AS k, COUNT(*), MAX(o.name) FROM ticket_events e
    JOIN tickets t ON t.id = e.ticket_id {{rows}} LEFT JOIN operators o ON o.id = t.operator_id
    WHERE e.kind = 'sla_breach' AND {_within("e.ts")}{{only}} GROUP BY {{key}}
"""
#: Each dated event of the period: (0 filed | 1 closed | 2 breach, its time).
_DAY_EVENTS = f"""
    SELECT 0, t.created_at FROM tickets t WHERE {_within("t.created_at")}
    UNION ALL SELECT 1, t.closed_at FROM tickets t WHERE {_within("t.closed_at")}
    UNION ALL SELECT 2, e.ts FROM ticket_events e
        WHERE e.kind = 'sla_breach' AND {_within("e.ts")}
"""


def span(period: ReportPeriod) -> tuple[str, str]:
    """Return the parameters of every query here: the period's bounds, formatted."""
    return format_ts(period.start), format_ts(period.end)


def day_events_query(dialect: Dialect) -> str:
    """Return the query of the period's filings, closings and breaches, with their times."""
    return _DAY_EVENTS.format(p=_PLACEHOLDER[dialect])


def day_counts(period: ReportPeriod, rows: Iterable[Any]) -> list[DayCounts]:
    """Count the rows of :func:`day_events_query` per day of ``period``."""
    bounds = [format_ts(d) for d in period.days]
    counts = [[0, 0, 0] for _ in bounds[:-1]]
    for column, ts in rows:
        # Times share one format, so they sort as text; day i is [bounds[i], bounds[i+1]).
        counts[bisect_right(bounds, ts) - 1][column] += 1
    return [DayCounts(*c) for c in counts]


def outcome_queries(dialect: Dialect, by: Grouping) -> tuple[str, str]:
    """Return the queries of the figures per group and of the breaches per group."""
    p = _PLACEHOLDER[dialect]
    elapsed = _ELAPSED[dialect]
    rows, only = (_TAG_ROWS[dialect], " AND t.tags <> ''") if by == "tag" else ("", "")
    outcomes = _OUTCOMES.format(
        key=_KEYS[by],
        p=p,
        rows=rows,
        only=only,
        first_response=elapsed.format(column="t.first_response_at"),
        resolution=elapsed.format(column="t.resolved_at"),
    )
    return outcomes, _BREACHES.format(key=_KEYS[by], p=p, rows=rows, only=only)


def _label(by: Grouping, key: str | None, name: str | None) -> str:
    return (name or key or "") if by == "operator" else (key or "")


def outcomes_of(by: Grouping, rows: Iterable[Any], breaches: Iterable[Any]) -> list[Outcome]:
    """Return the groups' figures from the rows of :func:`outcome_queries`, ordered by key
    (None last)."""
    breached = {k: (int(n), name) for k, n, name in breaches}
    found: dict[str | None, Outcome] = {}
    for row in rows:
        k = row[0]
        count, _ = breached.pop(k, (0, None))
        n = [int(v or 0) for v in row[1:12]]  # counts (the averages are read apart)
        found[k] = Outcome(
            k, _label(by, k, row[12]), opened=n[0], closed=n[1],
            first_responses=n[2], first_response_met=n[3],
            first_response_seconds=row[5], resolutions=n[5], resolution_met=n[6],
            resolution_seconds=row[8], breaches=count, ratings=n[8],
            rating_average=row[10], satisfied=n[10],
        )  # fmt: skip
    for k, (count, name) in breached.items():  # breached, nothing else in the period
        found[k] = Outcome(k, _label(by, k, name), breaches=count)
    return sorted(found.values(), key=lambda o: (o.key is None, o.key or ""))


# The minutes are in the rows' JSON (text on both backends): read here, not by each
# dialect's JSON functions. The partial index ``ticket_events_time`` finds the rows.
_TIME_SPENT = (
    "SELECT e.actor_id, COALESCE(t.organisation_id, r.organisation_id), t.id, t.number,"
    " t.subject, t.type, e.data"
    " FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
    " LEFT JOIN requesters r ON r.id = t.requester_id"
    " WHERE e.kind = 'time' AND e.ts >= {p}1 AND e.ts < {p}2"
)


def time_spent_query(dialect: Dialect) -> str:
    """Return the query of the period's ``time`` history rows (bounds: :func:`span`)."""
    return _TIME_SPENT.format(p=_PLACEHOLDER[dialect])


def time_spent_of(rows: Iterable[Any]) -> list[TimeSpent]:
    """Return the rows of :func:`time_spent_query` added up per operator, organisation and
    ticket, ordered by organisation (None last), ticket number, then operator."""
    totals: dict[tuple[str | None, str | None, str, int, str, str], int] = {}
    for operator_id, organisation_id, ticket_id, number, subject, kind, data in rows:
        minutes = json.loads(data).get("minutes", 0)
        if isinstance(minutes, int) and minutes > 0:
            key = (operator_id, organisation_id, ticket_id, number, subject, kind)
            totals[key] = totals.get(key, 0) + minutes
    order = sorted(totals, key=lambda k: (k[1] is None, k[1] or "", k[3], k[0] or ""))
    return [TimeSpent(*key, minutes=totals[key]) for key in order]


# A rule's name is in its row's JSON, read here as the minutes are; the partial index
# ``ticket_events_rule`` finds the rows.
_RULES = "SELECT data FROM ticket_events WHERE kind = 'rule' AND ts >= {p}1 AND ts < {p}2"


def rules_query(dialect: Dialect) -> str:
    """Return the query of the period's ``rule`` history rows (bounds: :func:`span`)."""
    return _RULES.format(p=_PLACEHOLDER[dialect])


def rule_counts_of(rows: Iterable[Any]) -> dict[str, int]:
    """Return how many tickets each rule changed, from the rows of :func:`rules_query`."""
    counts: dict[str, int] = {}
    for (data,) in rows:
        name = json.loads(data).get("name")
        if isinstance(name, str):
            counts[name] = counts.get(name, 0) + 1
    return counts
