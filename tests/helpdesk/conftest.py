"""A helpdesk on a real store with business hours in Brussels and a test clock."""

from __future__ import annotations

from typing import Any

import pytest

from chatdesk import Settings
from chatdesk.deskconfig import DeskConfig
from chatdesk.helpdeskconfig import FieldSpec, HelpdeskConfig
from chatdesk.hours import BusinessHours
from chatdesk.models import Operator
from chatdesk.services import Services, build_services
from chatdesk.store import Store

from ..desk import Clock

SITE = FieldSpec("site_id", "text", pattern=r"^\d{4}$", seats=True)


def config(**helpdesk: Any) -> DeskConfig:
    """Monday-Friday 9:00-12:30 and 13:30-18:00 in Brussels, Belgian holidays."""
    hours = BusinessHours.weekdays("09:00", "18:00")
    lunch = ((hours.week[0][0][0], _t("12:30")), (_t("13:30"), hours.week[0][0][1]))
    hours = BusinessHours(hours.timezone, (lunch,) * 5 + ((), ()), "BE")
    helpdesk.setdefault("fields", (SITE,))
    return DeskConfig(name="Helpdesk", hours=hours, helpdesk=HelpdeskConfig(**helpdesk))


def _t(text: str) -> Any:
    from datetime import time

    return time.fromisoformat(text)


def services(store: Store, clock: Clock, **helpdesk: Any) -> Services:
    settings = Settings(secret_key="s" * 40, knowledge_dir=None)
    return build_services(settings, config(**helpdesk), store, None, clock=clock)


@pytest.fixture
def hd(store: Store, clock: Clock) -> Services:
    return services(store, clock)


async def operator(desk: Services, name: str, role: str = "operator") -> Operator:
    return await desk.operators.add(
        f"{name.lower()}@desk.test",
        name=name,
        role=role,
        departments=("general", "technical"),
        languages=("fr", "en"),
        password="correct horse battery",
    )
