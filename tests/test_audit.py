"""The audit log: admins' acts on operators' accounts and requesters' personal data are
written (by the console's services and the ``chatdesk`` commands) and read by admins
only at ``/console/audit``, newest first, a page at a time."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk import Settings
from chatdesk.audit import PAGE
from chatdesk.cli import main
from chatdesk.errors import Forbidden
from chatdesk.helpdesk import NewTicket
from chatdesk.models import AuditAction, Operator
from chatdesk.services import Services
from chatdesk.store import create_store
from chatdesk.web.appkeys import SERVICES

from .test_console_admin_http import _page, desk, http, sink
from .test_console_http import PASSWORD, login

__all__ = ["desk", "http", "sink"]


async def operator(services: Services, email: str) -> Operator:
    return next(o for o in await services.operators.list() if o.email == email)


async def test_admins_acts_are_recorded_and_only_admins_read_them(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    ada, bob = await operator(services, "ada@desk.test"), await operator(services, "bob@desk.test")
    admin = services.operator_admin
    await admin.add(
        ada, "zoe@desk.test", name="Zoé", role="operator", departments=("general",),
        languages=("fr",), password=PASSWORD,
    )  # fmt: skip
    same = dict(name="Zoé", departments=("general",), languages=("fr",), capacity=None)
    await admin.edit(ada, "zoe@desk.test", role="operator", **same)  # nothing changed
    await admin.edit(ada, "zoe@desk.test", role="admin", **same)
    await admin.set_disabled(ada, "zoe@desk.test", True)
    await admin.set_disabled(ada, "zoe@desk.test", False)
    await admin.set_password(ada, "zoe@desk.test", "another passphrase")
    await admin.reset_two_factor(ada, "zoe@desk.test")
    await services.helpdesk.filing.file(NewTicket(email="lea@acme.be", subject="Mon site"))
    lea = await services.helpdesk.people.find("lea@acme.be")
    await services.privacy.export(ada, "lea@acme.be")
    assert await services.privacy.forget(ada, "Lea@acme.be") == 1

    entries = await services.audit.page(ada)
    assert [(e.actor, e.action, e.target, e.detail) for e in reversed(entries)] == [
        ("ada@desk.test", AuditAction.OPERATOR_ADDED, "zoe@desk.test", "operator"),
        ("ada@desk.test", AuditAction.OPERATOR_EDITED, "zoe@desk.test", "role: operator -> admin"),
        ("ada@desk.test", AuditAction.OPERATOR_DISABLED, "zoe@desk.test", ""),
        ("ada@desk.test", AuditAction.OPERATOR_ENABLED, "zoe@desk.test", ""),
        ("ada@desk.test", AuditAction.PASSWORD_SET, "zoe@desk.test", ""),
        ("ada@desk.test", AuditAction.TWO_FACTOR_RESET, "zoe@desk.test", ""),
        ("ada@desk.test", AuditAction.REQUESTER_EXPORTED, f"requester {lea.id}", ""),
        (
            "ada@desk.test", AuditAction.REQUESTER_FORGOTTEN, f"requester {lea.id}",
            "1 ticket(s) kept, anonymous",
        ),
    ]  # fmt: skip
    assert all(e.actor_id == ada.id for e in entries)
    with pytest.raises(Forbidden):
        await services.audit.page(bob)

    await login(http)
    status, page = await _page(http, "/console/audit")
    assert status == 200 and 'href="/console/audit" aria-current="page"' in page
    assert "disabled an operator" in page and "erased a requester" in page
    assert "role: operator -&gt; admin" in page  # escaped like everything else
    assert "lea@acme.be" not in page and f"requester {lea.id}" in page  # never her address
    assert "Older entries" not in page

    http.cookie_jar.clear()
    await login(http, "bob@desk.test")
    status, page = await _page(http, "/console/queue")
    assert status == 200 and 'href="/console/audit"' not in page
    status, page = await _page(http, "/console/audit")
    assert status == 403 and "Only admins read the audit log." in page and "zoe@" not in page


async def test_the_log_reads_a_page_at_a_time(desk: TestServer, http: ClientSession) -> None:
    services: Services = desk.app[SERVICES]
    ada = await operator(services, "ada@desk.test")
    for n in range(PAGE + 5):
        await services.audit.record(ada, AuditAction.PASSWORD_SET, f"op{n:02d}@desk.test")
    await login(http)
    _, first = await _page(http, "/console/audit")
    assert first.count("<tr data-action=") == PAGE
    assert "op54@desk.test" in first and "op04@desk.test" not in first
    older = first.split('href="/console/audit?before=')[1].split('"')[0]
    _, second = await _page(http, f"/console/audit?before={older}")
    assert second.count("<tr data-action=") == 5 and "op04@desk.test" in second
    assert "op05@desk.test" not in second and "Newest entries" in second
    for bad in ("x", "2026-13-01T00:00:00Z~e1", "~", "a" * 200):
        status, page = await _page(http, f"/console/audit?before={bad}")
        assert status == 200 and page.count("<tr data-action=") == PAGE  # the first page


def test_the_command_line_is_recorded_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHATDESK_CONFIG_FILE", str(tmp_path / "missing.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["operators", "add", "ann@desk.test", "--name", "Ann"]) == 0
    capsys.readouterr()
    assert main(["tokens", "create", "ann@desk.test", "--name", "CI"]) == 0
    token_id = capsys.readouterr().out.split()[1]  # "token <id> (CI) acts as ..."
    assert main(["tokens", "revoke", token_id]) == 0
    assert main(["operators", "disable", "ann@desk.test"]) == 0
    capsys.readouterr()

    async def read() -> list[tuple[str | None, str, AuditAction, str]]:
        store = create_store(Settings.from_environ())
        await store.open()
        try:
            return [
                (e.actor_id, e.actor, e.action, e.target) for e in await store.audit.list_audit()
            ]
        finally:
            await store.close()

    assert asyncio.run(read()) == [
        (None, "command line", AuditAction.OPERATOR_DISABLED, "ann@desk.test"),
        (None, "command line", AuditAction.API_TOKEN_REVOKED, f"token {token_id}"),
        (None, "command line", AuditAction.API_TOKEN_CREATED, "ann@desk.test"),
        (None, "command line", AuditAction.OPERATOR_ADDED, "ann@desk.test"),
    ]
