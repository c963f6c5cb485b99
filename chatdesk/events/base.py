"""The base of every domain event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = ["Event"]


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every domain event; ``name`` identifies the kind."""

    name: ClassVar[str] = "event"
