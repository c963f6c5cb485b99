"""The schema's versions: one list for every SQL dialect, applied in order."""

from __future__ import annotations

from .dialects import Dialect, Dialects, Step
from .schema_chat import CHAT_VERSIONS
from .schema_desk import DESK_VERSIONS
from .schema_recent import RECENT_VERSIONS

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Dialect", "Dialects", "Step", "statements"]

#: Version N of the schema is the result of applying the first N entries. Never edit a
#: released entry: append a new one. Both dialects keep the same tables, columns and types
#: (times are ISO 8601 text, JSON is text), so rows convert alike and copy across as they are.
MIGRATIONS: list[list[Step]] = [*CHAT_VERSIONS, *DESK_VERSIONS, *RECENT_VERSIONS]

#: The schema version this code reads and writes.
SCHEMA_VERSION = len(MIGRATIONS)


def statements(version: int, dialect: Dialect) -> list[str]:
    """Return the SQL that upgrades the schema from ``version - 1`` to ``version`` (a
    step written empty for a dialect is not run there)."""
    found = (
        step if isinstance(step, str) else getattr(step, dialect)
        for step in MIGRATIONS[version - 1]
    )
    return [sql for sql in found if sql]
