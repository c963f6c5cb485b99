"""The desk's ``[[rules]]``: read and checked from chatdesk.toml, then applied to tickets
as they are filed (on both stores): department, priority and its due time, type, tags,
assignee, each rule in the ticket's history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chatdesk import Settings
from chatdesk.deskconfig import DeskConfig, load_desk_config
from chatdesk.errors import ConfigError
from chatdesk.events import TicketAssigned
from chatdesk.helpdesk import Edit, NewTicket
from chatdesk.helpdeskconfig import FieldSpec
from chatdesk.hookconfig import EVENTS
from chatdesk.models import PresenceStatus, TicketQuery
from chatdesk.services import Services, build_services
from chatdesk.store import Store

from ..desk import Clock
from .conftest import config, operator

RULES = """
[desk]
departments = ["general", "technical", "billing"]

[[fields]]
id = "plan"
type = "select"
options = [{ value = "vps" }, { value = "web" }]

[[rules]]
name = "Invoices go to billing"
when = { words = ["facture", "invoice", "credit note"] }
then = { department = "billing", tags = ["Facture"] }

[[rules]]
name = "Billing by mail is high"
[rules.when]
department = ["billing"]
channel = ["email"]
[rules.then]
priority = "high"

[[rules]]
name = "Acme's VPS to Ann"
[rules.when]
organisation = ["ACME"]
fields = { plan = ["vps"] }
[rules.then]
assign = "ann@desk.test"
tags = ["acme"]
type = "incident"
"""


def _config(tmp_path: Path, text: str = RULES) -> DeskConfig:
    path = tmp_path / "chatdesk.toml"
    path.write_text(text, encoding="utf-8")
    return load_desk_config(path)


@pytest.fixture
def ruled(store: Store, clock: Clock, tmp_path: Path) -> Services:
    rules = _config(tmp_path).rules
    base = config(fields=(FieldSpec("plan", "select", options=(("vps", {}), ("web", {}))),))
    desk = DeskConfig(
        name=base.name,
        hours=base.hours,
        departments=("general", "technical", "billing"),
        helpdesk=base.helpdesk,
        rules=rules,
    )
    settings = Settings(secret_key="s" * 40, knowledge_dir=None)
    return build_services(settings, desk, store, None, clock=clock)


def test_rules_are_read_in_order_and_checked(tmp_path: Path) -> None:
    rules = _config(tmp_path).rules
    assert [r.name for r in rules] == [
        "Invoices go to billing", "Billing by mail is high", "Acme's VPS to Ann",
    ]  # fmt: skip
    assert rules[0].then.tags == {"facture"} and rules[2].then.assign == "ann@desk.test"
    assert "ticket.rule" in EVENTS  # a webhook may ask for them


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("when = { words = ['x'] }\nthen = { department = 'legal' }", "then.department: 'legal'"),
        ("when = { department = ['legal'] }\nthen = { tags = ['x'] }", "when.department: 'legal'"),
        ("then = { tags = ['x'] }", "when: name at least one condition"),
        ("when = { words = ['x'] }", "then: name at least one change"),
        ("when = { words = ['?!'] }\nthen = { tags = ['x'] }", "when.words: a word or phrase"),
        ("when = { requester = ['acme.be'] }\nthen = { tags = ['x'] }", "'acme.be' is not an"),
        ("when = { fields = { size = ['l'] } }\nthen = { tags = ['x'] }", "'size' is not one of"),
        ("when = { words = ['x'] }\nthen = { tags = ['a/b'] }", "then.tags: 'a/b'"),
        ("when = { words = ['x'] }\nthen = { assign = 'ann' }", "then.assign: 'ann'"),
        ("when = { words = ['x'] }\nthen = { priority = 'asap' }", "rules.then] priority"),
        ("when = { chanel = ['email'] }\nthen = { tags = ['x'] }", "unknown key 'chanel'"),
        ("when = { channel = ['fax'] }\nthen = { tags = ['x'] }", "channel"),
    ],
)
def test_a_wrong_rule_stops_the_desk_naming_it(tmp_path: Path, rule: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _config(tmp_path, f"[[rules]]\nname = 'Mine'\n{rule}\n")
    assert message in info.value.message, info.value.message


def test_two_rules_may_not_share_a_name(tmp_path: Path) -> None:
    rule = "[[rules]]\nname = 'Mine'\nwhen = { words = ['x'] }\nthen = { tags = ['x'] }\n"
    with pytest.raises(ConfigError) as info:
        _config(tmp_path, rule * 2)
    assert "[[rules]] #2 name: 'Mine' is used twice" in info.value.message


async def test_matching_rules_change_the_ticket_before_it_is_stored(
    ruled: Services, store: Store
) -> None:
    filing = ruled.helpdesk.filing
    mailed, _ = await filing.file(
        NewTicket("lea@example.be", "Ma FACTURÉ de novembre", description="Bonjour", lang="fr",
                  channel="email")
    )  # fmt: skip
    assert (mailed.department, mailed.priority, mailed.tags) == ("billing", "high", {"facture"})
    # The due time is the new priority's: 4 business hours, not normal's 24.
    normal, _ = await filing.file(NewTicket("tom@example.be", "Site lent", channel="email"))
    assert mailed.due_at and normal.due_at and mailed.due_at < normal.due_at
    assert (normal.department, normal.priority, normal.tags) == ("general", "normal", set())

    formed, _ = await filing.file(
        NewTicket("tom@example.be", "Where is my credit-note?", channel="form")
    )
    assert (formed.department, formed.priority) == ("billing", "normal")  # not by mail
    words, _ = await filing.file(NewTicket("tom@example.be", "Invoices", channel="form"))
    assert words.department == "general"  # whole words: "invoices" is not "invoice"

    page = await ruled.helpdesk.console.page(await operator(ruled, "Bob"), mailed.id)
    rows = [e for e in page["events"] if e["kind"] == "rule"]
    assert [(r["actor"], r["data"]) for r in rows] == [
        ("system", {"name": "Invoices go to billing", "tags": ["facture"],
                    "department": {"from": "general", "to": "billing"}}),
        ("system", {"name": "Billing by mail is high",
                    "priority": {"from": "normal", "to": "high"}}),
    ]  # fmt: skip
    tagged = await store.ticket_queries.search_tickets(TicketQuery(tag="facture"))
    assert {t.id for t in tagged.tickets} == {mailed.id, formed.id}


async def test_a_rule_assigns_an_organisations_tickets(ruled: Services, clock: Clock) -> None:
    ann = await operator(ruled, "Ann")
    acme = await ruled.helpdesk.people.add_organisation("Acme")
    await ruled.helpdesk.people.add_member(acme, "lea@acme.be", name="Léa")
    filing = ruled.helpdesk.filing
    ticket, events = await filing.file(
        NewTicket("lea@acme.be", "Serveur lent", fields={"plan": "vps"}, lang="fr")
    )
    assert (ticket.operator_id, ticket.type.value, ticket.tags) == (ann.id, "incident", {"acme"})
    assert any(isinstance(e, TicketAssigned) for e in events)  # Ann hears of it
    other, _ = await filing.file(NewTicket("lea@acme.be", "Site", fields={"plan": "web"}))
    stranger, _ = await filing.file(NewTicket("tom@x.be", "VPS", fields={"plan": "vps"}))
    assert other.operator_id is None and stranger.operator_id is None

    # A complaint goes to a service manager, whatever a rule says.
    manager = await operator(ruled, "Meg", role="service_manager")
    complaint, _ = await filing.file(
        NewTicket("lea@acme.be", "Plainte", type="complaint", fields={"plan": "vps"})
    )
    assert complaint.operator_id == manager.id and complaint.type.value == "complaint"

    # Out of office: not given the ticket (it stays its department's); back, given again.
    await ruled.helpdesk.away.set(ann, clock.now + timedelta(days=2))
    away, _ = await filing.file(NewTicket("lea@acme.be", "RAM", fields={"plan": "vps"}))
    assert away.operator_id is None and away.tags == {"acme"}
    await ruled.helpdesk.away.back(ann)
    again, _ = await filing.file(NewTicket("lea@acme.be", "CPU", fields={"plan": "vps"}))
    assert again.operator_id == ann.id

    # An operator disabled since: the rule's other changes still apply.
    admin = await operator(ruled, "Ada", role="admin")
    await ruled.operator_admin.set_disabled(admin, ann.email, True)
    clock.advance(minutes=1)
    later, _ = await filing.file(NewTicket("lea@acme.be", "Disque", fields={"plan": "vps"}))
    assert later.operator_id is None and later.tags == {"acme"}


LEAST_BUSY_RULES = """
[desk]
departments = ["general", "technical", "billing"]

[[rules]]
name = "Billing shared out"
when = { department = ["billing"] }
then = { assign = "least-busy" }
"""


async def test_least_busy_shares_a_department_s_tickets_out(
    store: Store, clock: Clock, tmp_path: Path
) -> None:
    base = config()
    desk = DeskConfig(
        name=base.name, hours=base.hours, departments=("general", "technical", "billing"),
        helpdesk=base.helpdesk, rules=_config(tmp_path, LEAST_BUSY_RULES).rules,
    )  # fmt: skip
    services = build_services(
        Settings(secret_key="s" * 40, knowledge_dir=None), desk, store, None, clock=clock
    )

    async def add(name: str, departments: tuple[str, ...], languages: tuple[str, ...]) -> str:
        added = await services.operators.add(
            f"{name.lower()}@desk.test", name=name, role="operator", departments=departments,
            languages=languages, password="correct horse battery",
        )  # fmt: skip
        return added.id

    bea = await add("Bea", ("billing",), ("fr", "en"))
    dan = await add("Dan", ("billing", "general"), ("fr",))
    carl = await add("Carl", ("billing",), ("nl",))
    await add("Eve", ("general",), ("fr",))  # not of the department
    fay = await add("Fay", ("billing",), ("fr",))
    gus = await add("Gus", ("billing",), ("fr",))
    admin = await services.operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",), languages=("fr",),
        password="correct horse battery",
    )  # fmt: skip
    found = await store.operators.operator_credentials("fay@desk.test")
    assert found is not None
    await services.helpdesk.away.set(found[0], clock.now + timedelta(days=3))
    await services.operator_admin.set_disabled(admin, "gus@desk.test", True)

    async def file(lang: str, department: str = "billing") -> str | None:
        ticket, _ = await services.helpdesk.filing.file(
            NewTicket("lea@acme.be", "Facture", lang=lang, department=department)
        )
        return ticket.operator_id

    # In French, between the two who speak it (the away and the disabled left out),
    # the least busy each time: they go round.
    firsts = [await file("fr") for _ in range(4)]
    assert firsts == [bea, dan, bea, dan]
    assert fay not in firsts and gus not in firsts
    assert await file("nl") == carl  # the one who speaks it, however busy the others
    assert await file("en") == bea
    assert await file("fr", department="general") is None  # the rule is billing's
    # Tickets resolved or pending no longer count: Bea is the least busy again.
    assert await store.queries.ticket_load() == {bea: 3, dan: 2, carl: 1}
    ada = await store.operators.operator_credentials("ada@desk.test")
    assert ada is not None
    page = await store.ticket_queries.search_tickets(TicketQuery(operator_id=bea))
    for ticket in page.tickets:
        await services.helpdesk.tickets.change(ada[0], ticket.id, Edit(status="pending"))
    assert await file("fr") == bea
    (row,) = [
        e for e in await store.helpdesk.list_ticket_events(page.tickets[0].id) if e.kind == "rule"
    ]
    assert row.data == {"name": "Billing shared out", "assignee": bea}

    # At their console, Dan comes first, however busy; set away, he counts as gone.
    await store.presence.operator_connected(dan)
    assert [await file("fr") for _ in range(3)] == [dan, dan, dan]
    assert await file("nl") == carl  # the language still first: Dan does not speak it
    await store.presence.set_presence(dan, PresenceStatus.AWAY)
    assert await file("fr") == bea
    await store.presence.set_presence(dan, PresenceStatus.ONLINE)
    await store.presence.operator_disconnected(dan, clock.now)  # his console closed
    assert await file("fr") == bea
