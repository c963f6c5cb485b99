"""The requesters' directory in SQL shared by the backends: the search, the counts of
each one's tickets, the orders."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from ..models import ACTIVE, RequesterQuery, RequesterSummary, TicketType, parse_ts
from .dialects import Dialect
from .threadrows import REQUESTER_COLUMNS, requester_row

__all__ = ["DIRECTORY_MAX", "SQLITE_FOLD", "directory_sql", "directory_summary", "fold"]

#: The most requesters one page holds.
DIRECTORY_MAX = 100
#: The accented letters of Western European languages (French, Dutch, German, the
#: Nordic and Iberian ones…) and the letters they fold to in a search: the same ones on
#: both backends and in Python (PostgreSQL's ``unaccent`` is an extension a desk may not
#: have), so a search and the rows always agree.
_LETTERS = "àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöøōőùúûüūůűųýÿźżžśšşřľĺţť"
_FOLDS: dict[str, str] = {
    **{c: unicodedata.normalize("NFKD", c)[0] for c in _LETTERS if c != "ø"},
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
}
_TABLE = str.maketrans(_FOLDS)
#: Ticket statuses still worked on, as SQL literals.
_ACTIVE = ", ".join(f"'{s.value}'" for s in sorted(ACTIVE))
#: The orders, on a row of ``id, email, name, created_at, last_at`` aliased ``{a}``
#: (``{name}``: its folded name).
_ORDER = {
    "activity": "{a}.last_at IS NULL, {a}.last_at DESC, {a}.created_at DESC, {a}.email",
    "name": "{a}.name = '', {name}, {a}.email",
    "newest": "{a}.created_at DESC, {a}.email",
}
_R = ", ".join(f"r.{c.strip()}" for c in REQUESTER_COLUMNS.split(","))
#: The text a search looks in: the address, name, phone and organisation's name (and
#: the requester's other addresses, looked up apart).
_HAYSTACK = "r.email || ' ' || r.name || ' ' || r.phone || ' ' || COALESCE(o.name, '')"


def fold(text: str) -> str:
    """Return ``text`` as the directory's search compares it: lower case, the letters of
    :data:`_LETTERS` without their accents (others as they are)."""
    low = text.lower()
    # Most addresses and names are ASCII: nothing to translate (SQLite calls this for
    # every requester a search looks at).
    return low if low.isascii() else low.translate(_TABLE)


#: SQLite's name of :func:`fold` (registered on every connection: its parser cannot take
#: a hundred nested ``REPLACE`` calls).
SQLITE_FOLD = "chatdesk_fold"
#: PostgreSQL's ``LOWER`` knows only ASCII too under the ``C`` locale: both cases.
_BOTH = _FOLDS | {c.upper(): v for c, v in _FOLDS.items() if len(c.upper()) == 1}
_SINGLE = {c: v for c, v in _BOTH.items() if len(v) == 1}
_TRANSLATE = f"'{''.join(_SINGLE)}', '{''.join(_SINGLE.values())}'"


def _folded(expression: str, dialect: str) -> str:
    """Return SQL folding ``expression`` as :func:`fold` does: SQLite calls it (its
    ``LOWER`` knows only ASCII), PostgreSQL translates the letters of both cases."""
    if dialect == "sqlite":
        return f"{SQLITE_FOLD}({expression})"
    sql = f"TRANSLATE(LOWER({expression}), {_TRANSLATE})"
    for letter, plain in _BOTH.items():
        if len(plain) > 1:
            sql = f"REPLACE({sql}, '{letter}', '{plain}')"
    return sql


def directory_sql(
    query: RequesterQuery, outer_mark: Callable[[object], str], dialect: Dialect
) -> tuple[str, str, int]:
    """Return the page's statement (its rows end with how many match in all, or NULL
    without a filter), the ``SELECT COUNT(*)`` of the same filters, and how many of
    the parameters marked are the filters' (the count takes those; the page also its
    size and offset, marked after them).

    The page is found first, then only its requesters' tickets are counted (through the
    ``tickets_by_requester_activity`` index): a page costs what its filters match, not
    every ticket of the desk (bench/README.md, "The requesters' directory").

    :param outer_mark: takes a parameter's value and returns its placeholder in the dialect
        (``?``, or ``$n`` counting the values given so far).
    """
    haystack = _folded(_HAYSTACK, dialect)
    where: list[str] = []
    marked = 0

    def mark(value: object) -> str:
        nonlocal marked
        marked += 1
        return outer_mark(value)

    if query.organisation_id is not None:
        where.append(f"r.organisation_id = {mark(query.organisation_id)}")
    for word in fold(query.q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # Or in one of their other addresses (lower case already; the subquery is not
        # correlated: read once per search).
        where.append(
            f"({haystack} LIKE {mark(f'%{escaped}%')} ESCAPE '\\' OR r.id IN"  # noqa: S608
            " (SELECT requester_id FROM requester_addresses"
            f" WHERE address LIKE {mark(f'%{escaped}%')} ESCAPE '\\'))"
        )
    filters = marked
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    # The types are the enum's own values (never a caller's text): written in the SQL,
    # so that both statements take the same parameters.
    hidden = "".join(f" AND t.type != '{TicketType(t).value}'" for t in query.exclude_types)
    # Only the latest activity orders by the tickets: read per requester the filters
    # keep (an index seek each), and only for that order.
    last = (
        f"(SELECT MAX(t.updated_at) FROM tickets t WHERE t.requester_id = r.id{hidden})"  # noqa: S608
        if query.sort == "activity"
        else "NULL"
    )
    # A search's total rides along (its rows are read once); without a filter, counting
    # the table is cheaper than numbering every row.
    total = "COUNT(*) OVER ()" if where else "NULL"
    joined = " FROM requesters r LEFT JOIN organisations o ON o.id = r.organisation_id"
    per_page = max(1, min(query.per_page, DIRECTORY_MAX))
    offset = (max(1, query.page) - 1) * per_page
    # Only our own SQL and the enum's values are written in; what callers give is bound.
    page = (
        "WITH found AS (SELECT r.id AS id, r.email AS email, r.name AS name,"  # noqa: S608
        f" r.created_at AS created_at, {last} AS last_at, {total} AS total{joined}{clause}),"
        f" page AS (SELECT * FROM found f ORDER BY {_order(query, 'f', dialect)}"
        f" LIMIT {mark(per_page)} OFFSET {mark(offset)})"
        f" SELECT {_R}, o.name, COALESCE(s.tickets, 0), COALESCE(s.active, 0), s.last_at,"
        " p.total"
        " FROM page p JOIN requesters r ON r.id = p.id"
        " LEFT JOIN organisations o ON o.id = r.organisation_id"
        " LEFT JOIN (SELECT t.requester_id, COUNT(*) AS tickets,"
        f" SUM(CASE WHEN t.status IN ({_ACTIVE}) THEN 1 ELSE 0 END) AS active,"
        " MAX(t.updated_at) AS last_at FROM tickets t"
        f" WHERE t.requester_id IN (SELECT id FROM page){hidden} GROUP BY t.requester_id) s"
        f" ON s.requester_id = r.id ORDER BY {_order(query, 'p', dialect)}"
    )
    return page, f"SELECT COUNT(*){joined}{clause}", filters


def _order(query: RequesterQuery, alias: str, dialect: Dialect) -> str:
    # Names in the order of their folded letters ("Élodie" between "Eli" and "Emma").
    name = _folded(f"{alias}.name", dialect)
    return _ORDER[query.sort].format(a=alias, name=name)


def directory_summary(row: Any) -> RequesterSummary:
    """Build a line of the directory from a row of :func:`directory_sql`'s page (its
    last column, the total, is the caller's)."""
    n = len(REQUESTER_COLUMNS.split(","))
    return RequesterSummary(
        requester=requester_row(tuple(row)[:n]),
        organisation=row[n] or "",
        tickets=int(row[n + 1]),
        active=int(row[n + 2]),
        last_activity=parse_ts(row[n + 3]) if row[n + 3] else None,
    )
