"""Service notices: a banner on every portal page (the organisation's own too), and in the
widget through `session.notices` and the `notices` event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from chatdesk.app import PUBLISHER
from chatdesk.models import Operator
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from ..clients import VisitorClient
from .conftest import Portal

BODY = "Backups pause **Sunday 02:00-04:00**. <script>alert(1)</script>"


async def _admin(services: Services) -> Operator:
    return await services.operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip


async def test_every_portal_page_shows_the_notices_sanitised(portal: Portal) -> None:
    services = portal.services
    ada = await _admin(services)
    await services.helpdesk.notices.publish(
        ada, title="Planned maintenance", body=BODY, severity="maintenance"
    )
    acme = await services.helpdesk.people.add_organisation("Acme")
    await services.helpdesk.people.add_member(acme, "eve@acme.test")
    await services.helpdesk.notices.publish(
        ada, title="Acme: your VPS moves", body="Tonight.", audience=[acme.id]
    )
    for path in ("/support/new", "/support/signin", "/support/t/nope"):
        _, page = await portal.page(path)
        assert "Planned maintenance" in page and "<strong>Sunday 02:00-04:00</strong>" in page
        assert "<script>" not in page.split("</head>")[1].split('id="support-texts"')[0]
        assert "Acme: your VPS moves" not in page
    # A member of Acme sees Acme's notice on their ticket's page.
    response, _ = await portal.file(email="eve@acme.test")
    _, page = await portal.page(response.headers["Location"])
    assert "Acme: your VPS moves" in page and "Planned maintenance" in page


async def test_the_portal_announces_a_planned_notice_with_its_window(portal: Portal) -> None:
    services = portal.services
    ada = await _admin(services)
    notices = services.helpdesk.notices
    zone = services.config.hours.timezone
    # Two days ahead, 22:00-23:00 on the desk's calendar: one day, named once, with its zone.
    day = (notices.clock() + timedelta(days=2)).astimezone(zone)
    starts = day.replace(hour=22, minute=0, second=0, microsecond=0)
    await notices.publish(
        ada, title="Hypervisor reboots", body="Five minutes per VM.", severity="maintenance",
        starts_at=starts, ends_at=starts + timedelta(hours=1),
    )  # fmt: skip
    await notices.publish(ada, title="Far away", body="x", starts_at=starts + timedelta(days=8))
    await notices.publish(ada, title="Network loss", body="We are on it.", severity="outage")
    _, page = await portal.page("/support/signin")
    assert "Far away" not in page  # more than a week ahead: not yet announced
    running, planned = page.split('<div class="notice ')[1:3]
    assert "Network loss" in running and "Planned" not in running
    assert '<p class="notice-when">Since ' in running
    assert "Hypervisor reboots" in planned
    assert '<span class="badge badge-planned">Planned' in planned
    zone_name = starts.tzname()
    assert f"{starts:%A} {starts.day} {starts:%B}, 22:00 to 23:00 ({zone_name})" in planned


async def test_the_widget_gets_notices_at_connect_and_when_published(
    server: TestServer, visitor_factory: Callable[..., Awaitable[VisitorClient]]
) -> None:
    services: Services = server.app[SERVICES]
    publisher: Any = server.app[PUBLISHER]
    ada = await _admin(services)
    notices = services.helpdesk.notices
    before, _ = await notices.publish(ada, title="Known issue", body="Logins are slow.")
    visitor = await visitor_factory()
    [shown] = visitor.session["notices"]
    assert shown == {
        "id": before.id,
        "title": "Known issue",
        "body_html": "<p>Logins are slow.</p>",
        "severity": "info",
    }
    _, events = await notices.publish(ada, title="Outage", body=BODY, severity="outage")
    # Only for some organisations, or not showing yet: not sent to anonymous visitors.
    acme = await services.helpdesk.people.add_organisation("Acme")
    _, org_only = await notices.publish(ada, title="Acme", body="x", audience=[acme.id])
    later = notices.clock() + timedelta(days=1)
    _, scheduled = await notices.publish(ada, title="Later", body="x", starts_at=later)
    await publisher.publish(events + org_only + scheduled)
    sent = await visitor.next("notices")
    [outage] = sent["notices"]
    assert outage["title"] == "Outage" and outage["severity"] == "outage"
    assert "<script>" not in outage["body_html"]
    assert "<strong>Sunday 02:00-04:00</strong>" in outage["body_html"]
    await visitor.call("history", {"since": 0})  # a round trip: nothing else was on its way
    assert visitor.pending("notices") == []
