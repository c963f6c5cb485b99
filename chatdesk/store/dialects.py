"""The SQL dialects chatdesk speaks, and a migration step written per dialect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Dialect", "Dialects", "Step"]

#: The SQL dialects chatdesk speaks.
Dialect = Literal["sqlite", "postgresql"]


@dataclass(frozen=True, slots=True)
class Dialects:
    """One step of a migration written differently for each dialect (empty: none)."""

    sqlite: str
    postgresql: str


#: A step: SQL every dialect runs as written, or one written per dialect.
Step = str | Dialects
