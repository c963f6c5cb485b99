"""``chatdesk orgs …`` and ``chatdesk tokens …`` through the real command line."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from chatdesk.cli import main
from chatdesk.config import Settings
from chatdesk.deskconfig import load_desk_config
from chatdesk.helpdesk import Helpdesk, NewTicket, build_helpdesk
from chatdesk.models import TicketQuery
from chatdesk.store import Store, create_store


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHATDESK_CONFIG_FILE", str(tmp_path / "missing.toml"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def on_helpdesk(work: Callable[[Helpdesk, Store], Awaitable[None]]) -> None:
    """Run ``work`` on the desk's helpdesk and store (the command line's own), closed after."""

    async def run_it() -> None:
        settings = Settings.from_environ().with_secret()
        store = create_store(settings)
        await store.open()
        try:
            config = load_desk_config(settings.config_file)
            await work(build_helpdesk(store, config, "k" * 32), store)
        finally:
            await store.close()

    asyncio.run(run_it())


def test_organisations_members_contracts_invitations(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def ok(*argv: str) -> str:
        status, out, err = run(capsys, monkeypatch, *argv)
        assert status == 0, err
        return out

    assert ok("orgs", "list") == "no organisations yet (chatdesk orgs add NAME)\n"
    assert "added organisation Acme" in ok(
        "orgs", "add", "Acme", "--max-editors-per-site", "3", "--billing-email", "Compta@Acme.be"
    )
    assert "ops@acme.be added to Acme (support)" in ok(
        "orgs", "address", "Acme", "support", "ops@acme.be"
    )
    assert "abuse@acme.be added to Acme (abuse)" in ok(
        "orgs", "address", "Acme", "abuse", "abuse@acme.be"
    )
    assert "removed from" in ok("orgs", "address", "Acme", "abuse", "abuse@acme.be", "--remove")
    status, _, err = run(capsys, monkeypatch, "orgs", "address", "Acme", "billing", "nope")
    assert status == 1 and "not an e-mail address" in err
    assert "lea@acme.be is an admin of Acme" in ok(
        "orgs", "member", "add", "acme", "Lea@Acme.be", "--admin"
    )
    ok("orgs", "member", "add", "Acme", "tom@acme.be", "--name", "Tom")
    assert "contract off" in ok("orgs", "contract", "off", "Acme")
    assert "invited who@example.be" in ok("orgs", "invite", "who@example.be", "--org", "Acme")
    listing = ok("orgs", "list")
    assert "Acme" in listing and "off" in listing and "3" in listing
    shown = ok("orgs", "show", "Acme")
    assert "lea@acme.be" in shown and "admin" in shown and "who@example.be" in shown
    assert "compta@acme.be" in shown and "ops@acme.be" in shown and "abuse@acme.be" not in shown
    assert "in no organisation" in ok("orgs", "member", "remove", "tom@acme.be")
    # A domain: Tom (in no organisation now) joins; shown; a provider's refused; removed.
    assert "acme.be added to Acme; 1 requester(s) of it joined" in ok(
        "orgs", "domain", "Acme", "@ACME.BE"
    )
    assert "e-mail domains: acme.be" in ok("orgs", "show", "Acme")
    status, _, err = run(capsys, monkeypatch, "orgs", "domain", "Acme", "gmail.com")
    assert status == 1 and "public mail provider" in err
    assert "acme.be removed from Acme" in ok("orgs", "domain", "Acme", "acme.be", "--remove")
    status, _, err = run(capsys, monkeypatch, "orgs", "domain", "Acme", "acme.be", "--remove")
    assert status == 1 and "no domain" in err
    status, _, err = run(capsys, monkeypatch, "orgs", "show", "Nope")
    assert status == 1 and "no organisation 'Nope'" in err
    status, _, err = run(capsys, monkeypatch, "orgs", "add", "ACME")
    assert status == 1 and "exists" in err


def test_tokens_create_list_revoke(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run(
        capsys, monkeypatch, "operators", "add", "ann@desk.test", "--name", "Ann",
        "--departments", "general", stdin="correct horse battery\n",
    )  # fmt: skip
    assert status == 0, err
    status, out, _ = run(capsys, monkeypatch, "tokens", "create", "ann@desk.test", "--name", "CI")
    assert status == 0 and "acts as ann@desk.test" in out
    secret = out.strip().splitlines()[-1]
    token_id = out.split()[1]
    assert secret.startswith("cdk_")
    status, out, _ = run(capsys, monkeypatch, "tokens", "list")
    assert status == 0 and token_id in out and "active" in out and secret not in out
    status, out, _ = run(capsys, monkeypatch, "tokens", "revoke", token_id)
    assert status == 0 and "revoked" in out
    status, _, err = run(capsys, monkeypatch, "tokens", "revoke", token_id)
    assert status == 1 and "no such active token" in err
    status, _, err = run(capsys, monkeypatch, "tokens", "create", "nobody@desk.test")
    assert status == 1 and "no active operator" in err


def test_notices_publish_list_end(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    def ok(*argv: str, stdin: str = "") -> str:
        status, out, err = run(capsys, monkeypatch, *argv, stdin=stdin)
        assert status == 0, err
        return out

    ok("orgs", "add", "Acme")
    ok("orgs", "add", "Other")
    body = data_dir / "notice.md"
    body.write_text("Backups pause **Sunday**.\n", encoding="utf-8")
    out = ok(
        "notices", "publish", "--title", "Planned maintenance", "--body-file", str(body),
        "--severity", "maintenance", "--ends", "2999-01-01T04:00",
    )  # fmt: skip
    assert "(maintenance) to everyone" in out
    everyone = out.split()[2]
    out = ok(
        "notices", "publish", "--title", "Acme moves", "--body-file", "-", "--org", "acme",
        "--starts", "2999-01-01T00:00+01:00", stdin="Tonight.",
    )  # fmt: skip
    assert "(info) to 1 organisation(s)" in out
    listing = ok("notices", "list")
    assert "Planned maintenance" in listing and "everyone" in listing
    assert "2999-01-01T03:00:00.000Z" in listing  # 04:00 in Brussels (the default zone)
    assert "Acme moves" in listing and "scheduled" in listing and "Acme" in listing
    assert "notice " + everyone + " has ended" in ok("notices", "end", everyone)
    assert "ended" in ok("notices", "list")
    for argv, status_, message in (
        (("end", everyone), 1, "no such running notice"),
        (("publish", "--title", "x", "--body-file", str(body), "--org", "Nope"), 1,
         "no organisation 'Nope'"),
        (("publish", "--title", " ", "--body-file", str(body)), 1, "needs a title"),
        (("publish", "--title", "x", "--body-file", str(data_dir / "none.md")), 2,
         "No such file"),
        (("publish", "--title", "x", "--body-file", str(body), "--ends", "tomorrow"), 2,
         "'tomorrow' is not an ISO 8601 time"),
        (("publish", "--title", "x", "--body-file", str(body), "--by", "no@desk.test"), 1,
         "no active operator"),
    ):  # fmt: skip
        status, _, err = run(capsys, monkeypatch, "notices", *argv)
        assert status == status_ and message in err, (argv, err)


def test_requesters_export_writes_what_the_desk_holds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    status, _, err = run(
        capsys, monkeypatch, "operators", "add", "ann@desk.test", "--name", "Ann",
        "--departments", "general", stdin="correct horse battery\n",
    )  # fmt: skip
    assert status == 0, err

    async def file_two(hd: Helpdesk, store: Store) -> None:
        ann = await store.operators.operator_credentials("ann@desk.test")
        assert ann is not None
        for n in range(2):
            ticket, _ = await hd.filing.file(
                NewTicket(email="Lea@Acme.be", subject=f"Site {n} en panne", name="Léa",
                          description="Depuis ce matin.")
            )  # fmt: skip
            await hd.tickets.reply(ticket.id, ann[0], "On regarde.")
            await hd.tickets.reply(ticket.id, ann[0], "Cliente pénible.", internal=True)
        await hd.filing.file(NewTicket(email="other@x.be", subject="Pas à Léa"))

    on_helpdesk(file_two)
    # The directory: both, Léa first (the latest activity); a search; a limit; refusals.
    status, out, err = run(capsys, monkeypatch, "requesters", "list")
    assert status == 0, err
    lines = [line for line in out.splitlines() if "@" in line]
    assert len(lines) == 2 and "lea@acme.be" in out and "other@x.be" in out
    status, out, _ = run(capsys, monkeypatch, "requesters", "list", "-s", "LEA ACME")
    assert "lea@acme.be" in out and "other@x.be" not in out and " 2 " in out
    status, out, _ = run(capsys, monkeypatch, "requesters", "list", "--limit", "1")
    assert status == 0 and out.strip().endswith("1 of 2 requesters")
    status, out, _ = run(capsys, monkeypatch, "requesters", "list", "-s", "nobody")
    assert status == 0 and "nobody matches" in out
    status, _, err = run(capsys, monkeypatch, "requesters", "list", "--org", "Nope")
    assert status == 1 and "no organisation" in err
    status, out, err = run(capsys, monkeypatch, "requesters", "export", "lea@acme.be")
    assert status == 0, err
    data = json.loads(out)
    assert data["requester"]["email"] == "lea@acme.be" and data["requester"]["name"] == "Léa"
    subjects = sorted(t["ticket"]["subject"] for t in data["tickets"])
    assert subjects == ["Site 0 en panne", "Site 1 en panne"]
    texts = [m["text"] for t in data["tickets"] for m in t["messages"]]
    assert "On regarde." in texts and "Cliente pénible." not in texts  # no internal notes
    # To a file, never over one; an unknown address is refused.
    target = data_dir / "lea.json"
    status, out, _ = run(capsys, monkeypatch, "requesters", "export", "lea@acme.be", "-o",
                         str(target))  # fmt: skip
    written = json.loads(target.read_text(encoding="utf-8"))
    assert status == 0 and "wrote" in out
    assert written["tickets"] == data["tickets"] and written["requester"] == data["requester"]
    status, _, err = run(capsys, monkeypatch, "requesters", "export", "lea@acme.be", "-o",
                         str(target))  # fmt: skip
    assert status == 1 and "exists" in err
    status, _, err = run(capsys, monkeypatch, "requesters", "export", "nobody@x.be")
    assert status == 1 and "no requester" in err
    # Signing out of the portal everywhere: the version rises, on the audit log.
    status, out, err = run(capsys, monkeypatch, "requesters", "signout", "Lea@Acme.be")
    assert status == 0 and "signed lea@acme.be out of the portal" in out, err

    async def version() -> int:
        store = create_store(Settings.from_environ().with_secret())
        await store.open()
        try:
            lea = await store.requesters.find_requester("lea@acme.be")
            assert lea is not None
            return lea.session_version
        finally:
            await store.close()

    assert asyncio.run(version()) == 1
    status, _, err = run(capsys, monkeypatch, "requesters", "signout", "nobody@x.be")
    assert status == 1 and "no requester" in err
    # Erasure: said first, done with --yes; the tickets stay, anonymous.
    status, _, err = run(capsys, monkeypatch, "requesters", "forget", "Lea@Acme.be")
    assert status == 1 and "anonymise 2 ticket(s)" in err and "--yes" in err
    status, out, err = run(capsys, monkeypatch, "requesters", "forget", "lea@acme.be", "--yes")
    assert status == 0 and "2 ticket(s) kept, anonymous" in out, err
    status, _, err = run(capsys, monkeypatch, "requesters", "export", "lea@acme.be")
    assert status == 1 and "no requester" in err
    status, out, _ = run(capsys, monkeypatch, "requesters", "export", "other@x.be")
    assert status == 0 and json.loads(out)["tickets"][0]["ticket"]["subject"] == "Pas à Léa"


def test_rules_are_listed_and_tried_without_filing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = data_dir / "chatdesk.toml"
    monkeypatch.setenv("CHATDESK_CONFIG_FILE", str(config))
    assert run(capsys, monkeypatch, "rules", "list")[1] == "no rules ([[rules]] in chatdesk.toml)\n"
    config.write_text(
        '[desk]\ndepartments = ["general", "billing"]\n'
        '[[rules]]\nname = "Invoices"\nwhen = { words = ["facture"], channel = ["email"] }\n'
        'then = { department = "billing", tags = ["facture"] }\n'
        '[[rules]]\nname = "Acme to Ann"\nwhen = { organisation = ["acme"] }\n'
        'then = { assign = "ann@desk.test", priority = "high" }\n',
        encoding="utf-8",
    )
    status, out, _ = run(capsys, monkeypatch, "rules", "list")
    assert status == 0 and "Invoices" in out and "channel email; words facture" in out
    assert "priority high; assign ann@desk.test" in out

    async def seed() -> None:
        store = create_store(Settings.from_environ())
        await store.open()
        try:
            hd = build_helpdesk(store, load_desk_config(config), "s" * 40)
            acme = await hd.people.add_organisation("Acme")
            await hd.people.add_member(acme, "lea@acme.be", name="Léa")
        finally:
            await store.close()

    asyncio.run(seed())
    assert run(capsys, monkeypatch, "operators", "add", "ann@desk.test", "--name", "Ann",
               stdin="correct horse battery\n")[0] == 0  # fmt: skip
    capsys.readouterr()
    argv = ("rules", "try", "--from", "Lea@Acme.be", "--subject", "Ma FACTURE")
    status, out, _ = run(capsys, monkeypatch, *argv, "--channel", "email")
    assert status == 0 and out.splitlines() == [
        "rule 'Invoices': department general → billing; tags + facture",
        "rule 'Acme to Ann': priority normal → high; assignee ann@desk.test",
        "the ticket: department billing, priority high, type question, tags facture, "
        "assignee ann@desk.test",
    ]
    status, out, _ = run(capsys, monkeypatch, *argv[:3], "tom@example.be", *argv[4:])
    assert status == 0 and out.splitlines()[0] == "no rule matches"
    status, _, err = run(capsys, monkeypatch, *argv, "--priority", "asap")
    assert status == 1 and "priority must be one of" in err
    status, _, err = run(capsys, monkeypatch, *argv, "--field", "plan")
    assert status == 2 and "write ID=VALUE" in err

    async def filed() -> int:
        store = create_store(Settings.from_environ())
        await store.open()
        try:
            return (await store.ticket_queries.search_tickets(TicketQuery())).total
        finally:
            await store.close()

    assert asyncio.run(filed()) == 0  # trying files nothing


def test_requesters_are_merged_and_an_address_detached(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    async def file_two(hd: Helpdesk, store: Store) -> None:
        await hd.filing.file(NewTicket(email="lea@acme.be", subject="Export", name="Léa"))
        await hd.filing.file(NewTicket(email="lea@home.be", subject="Mot de passe"))

    on_helpdesk(file_two)
    status, out, err = run(
        capsys, monkeypatch, "requesters", "merge", "Lea@Home.be", "--into", "lea@acme.be"
    )
    assert status == 0, err
    assert "merged lea@home.be into lea@acme.be (other addresses: lea@home.be)" in out
    status, out, _ = run(capsys, monkeypatch, "requesters", "list", "-s", "home.be")
    assert "lea@acme.be" in out and " 2 " in out
    status, out, _ = run(capsys, monkeypatch, "requesters", "export", "lea@home.be")
    data = json.loads(out)
    assert data["requester"]["email"] == "lea@acme.be" and len(data["tickets"]) == 2
    assert data["other_addresses"] == ["lea@home.be"]
    status, _, err = run(
        capsys, monkeypatch, "requesters", "merge", "lea@home.be", "--into", "lea@acme.be"
    )
    assert status == 1 and "same requester" in err
    with pytest.raises(SystemExit):
        run(capsys, monkeypatch, "requesters", "merge", "lea@acme.be")
    assert "--into" in capsys.readouterr().err
    status, out, err = run(capsys, monkeypatch, "requesters", "detach", "lea@home.be")
    assert status == 0, err
    assert "lea@home.be is a requester of its own again, with 1 ticket(s)" in out
    status, _, err = run(capsys, monkeypatch, "requesters", "detach", "lea@home.be")
    assert status == 1 and "not one of their addresses" in err


def test_an_organisation_entered_twice_is_merged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for argv in (("orgs", "add", "Acme"), ("orgs", "add", "Acme SA"),
                 ("orgs", "member", "add", "Acme SA", "tom@acme.be"),
                 ("orgs", "member", "add", "Acme", "lea@acme.be")):  # fmt: skip
        assert run(capsys, monkeypatch, *argv)[0] == 0
    status, out, err = run(capsys, monkeypatch, "orgs", "merge", "acme sa", "--into", "ACME")
    assert status == 0, err
    assert out.strip() == "Acme SA merged into Acme: 2 member(s) now"
    for argv, said in (
        (("orgs", "merge", "Acme", "--into", "Acme"), "not merged into itself"),
        (("orgs", "merge", "Acme SA", "--into", "Acme"), "no organisation"),
        (("orgs", "merge", "Acme", "--into", "Nobody"), "no organisation 'Nobody'"),
    ):
        status, _, err = run(capsys, monkeypatch, *argv)
        assert status == 1 and said in err, (argv, err)
    assert "Acme SA" not in run(capsys, monkeypatch, "orgs", "list")[1]
