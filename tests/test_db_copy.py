"""``chatdesk db copy``: a desk with traffic on SQLite, copied to PostgreSQL, served again."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from chatdesk import Settings
from chatdesk.app import STORE
from chatdesk.audit import AuditTrail
from chatdesk.cli import main
from chatdesk.models import (
    ApiToken,
    AuditAction,
    Author,
    AuthorKind,
    BlockedSender,
    CannedResponse,
    Channel,
    EntryActivity,
    Invitation,
    MessageDraft,
    NewAttachment,
    Organisation,
    OrgRole,
    SavedView,
    SeatClaim,
    ServiceNotice,
    Severity,
    Status,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketFiling,
    TicketMessage,
    TicketQuery,
    TicketType,
    new_id,
    utcnow,
)
from chatdesk.models.hooks import HookDelivery, HookState
from chatdesk.models.mail import AddressKind, HeldMail, MailState, OutboxMail
from chatdesk.store import PostgresStore, SqliteStore, Store
from chatdesk.store.copy import PARTS, TABLES
from chatdesk.web.appkeys import SERVICES

from .postgres import PostgresServer
from .test_operator_socket import ALWAYS_OPEN
from .test_postgres_socket import connect_operator


@pytest.fixture
def chatdesk(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., Awaitable[tuple[int, str, str]]]:
    """Run the ``chatdesk`` command line (on a thread: it runs its own event loop)."""
    monkeypatch.chdir(tmp_path)  # no stray .env

    async def run(*argv: str, env: dict[str, str]) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        status = await asyncio.to_thread(main, list(argv))
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


@pytest.fixture
async def target(postgres_server: PostgresServer) -> Any:
    """An empty PostgreSQL database (no schema: the copy creates it)."""
    url = await postgres_server.create_database(migrated=False)
    yield url
    await postgres_server.drop_database(url)


async def test_a_copied_desk_serves_its_visitors_and_operators_on(
    target: str,
    start_server: Any,
    new_client: Any,
    chatdesk: Any,
    settings: Settings,
    tmp_path: Path,
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text(ALWAYS_OPEN)

    # Traffic on SQLite: a bot answer and its rating, a ticket, an operator's reply, a note.
    first = await start_server(config_file=config)
    store = first.app[STORE]
    sophie = await connect_operator(first, "Sophie")
    visitor = new_client(first)
    await visitor.connect({"lang": "fr"})
    await visitor.say("Où trouver mes factures ?")
    cid = visitor.session["conversation_id"]
    bot, _ = await store.conversations.append_message(
        cid, MessageDraft(Author.BOT, "Dans votre espace client.", extra={"entry_id": "invoices"})
    )
    assert (await visitor.call("feedback", {"message_id": bot.id, "useful": True}))["ok"]
    ack = await visitor.call("escalate", {})
    assert ack["state"]["ticket"]["number"] == "#000001"
    assert (await sophie.call("claim", {"conversation_id": cid}))["ok"]
    reply = {"conversation_id": cid, "client_id": "r1", "text": "Je regarde."}
    assert (await sophie.call("message", reply))["ok"]
    assert (await sophie.call("note", {"conversation_id": cid, "text": "VIP"}))["ok"]
    # What no socket event makes in a few lines, through the store itself.
    await store.canned.save_canned(CannedResponse("merci", "fr", "Merci de votre patience."))
    await store.feedback.record_choice(cid, bot.id, "invoices", utcnow())
    # The help centre's records.
    await store.help.record_view("invoices", "fr", now=utcnow())
    await store.help.record_search_miss(
        "comment voler", "fr", best_entry_id=None, confidence=0.1, now=utcnow()
    )
    await store.help.record_deflection("invoices", "fr", "ma facture", now=utcnow())
    await store.help.record_quote("invoices", "fr", now=utcnow())
    await store.feedback.record_page_vote("invoices", "fr", "reader-1", useful=True, now=utcnow())
    other = new_client(first)
    await other.connect({"lang": "en"})
    await other.call("escalate", {})
    other_id = other.session["conversation_id"]
    (operator,) = await store.operators.list_operators()
    await store.routing.offer_conversation(other_id, operator.id, utcnow())  # unless routing did
    assert await store.routing.decline_offer(other_id, operator.id)
    # A miss (the question before the escalation) an admin dismissed on the gaps page.
    misses = await store.feedback.misses()
    assert misses
    await store.feedback.dismiss_misses(misses[:1], operator.id, utcnow())
    # The audit log (an admin's act).
    await AuditTrail(store).record(operator, AuditAction.PASSWORD_SET, "zoe@desk.test")
    helpdesk = await _helpdesk_records(store, operator.id)
    before = (await visitor.call("history", {"since": 0}))["messages"]
    token = visitor.token
    await sophie.close()
    await visitor.close()
    await other.close()
    await first.close()
    # Mail's records, once the desk stopped: nothing consumes the feed any more.
    stopped = SqliteStore(settings.data_dir / "chatdesk.sqlite3")
    await stopped.open()
    try:
        mail = await _mail_records(stopped, helpdesk["ticket"].id, helpdesk["organisation"].id)
    finally:
        await stopped.close()

    env = {"CHATDESK_DATA_DIR": str(settings.data_dir)}
    source = f"sqlite:///{settings.data_dir / 'chatdesk.sqlite3'}"
    status, out, err = await chatdesk("db", "copy", "--from", source, "--to", target, env=env)
    assert status == 0, err
    counts = dict(line.split() for line in out.splitlines()[:-1])
    assert set(counts) == {*TABLES, *PARTS}
    assert all(int(n) > 0 for n in counts.values()), counts  # every table had rows
    assert int(counts["messages"]) >= len(before)
    assert "counts verified" in out

    # A second copy would mix two desks: refused unless --force.
    status, _, err = await chatdesk("db", "copy", "--from", source, "--to", target, env=env)
    assert status == 2 and "not empty" in err and "--force" in err

    await _mail_copied(target, mail)

    # Served from PostgreSQL, the visitor's old token resumes their conversation.
    second = await start_server(database_url=target, config_file=config)
    assert second.app[SERVICES].backend == "postgresql"
    back = new_client(second)
    await back.connect({"token": token, "since": 1})
    assert back.session["conversation_id"] == cid
    assert back.session["seq"] == before[-1]["seq"]
    replayed = [await back.next("message") for _ in before[1:]]
    assert replayed == before[1:]
    assert (await back.say("Toujours là ?"))["seq"] == before[-1]["seq"] + 1
    # Operators log in with their old passwords; ticket numbers go on from the counter.
    operator = await second.app[SERVICES].operators.login(
        "sophie@desk.test", "correct horse battery", client="127.0.0.1"
    )
    assert operator.name == "Sophie"
    newcomer = new_client(second)
    await newcomer.connect({"lang": "nl"})
    assert (await newcomer.call("escalate", {}))["state"]["ticket"]["number"] == "#000006"
    # The helpdesk's records came across whole, and the search index was rebuilt.
    assert await _helpdesk_records_of(second.app[STORE], helpdesk) == helpdesk
    copied = second.app[STORE]
    activity = (await copied.help.activity())["invoices"]
    assert activity == EntryActivity(views=1, deflections=1, quotes=1)
    assert [m.query for m in await copied.help.search_misses()] == ["comment voler"]
    votes = (await copied.feedback.votes())["invoices"]
    assert (votes.bot_useful, votes.page_useful) == (1, 1)
    assert await copied.feedback.dismissed_misses() == {misses[0].key}


async def _helpdesk_records(store: Store, operator_id: str) -> dict[str, Any]:
    """Make a requester in an organisation (with a site seat), a ticket with its message,
    history and a file, an invitation, a notice and an API token; return what they read."""
    now = utcnow()
    acme = Organisation(new_id(), "Acme", now, max_editors_per_site=2)
    await store.requesters.add_organisation(acme)
    lea = await store.requesters.save_requester(
        "lea@acme.be", name="Léa", phone="", lang="fr", now=now
    )
    assert await store.requesters.set_member(lea.id, acme.id, OrgRole.ADMIN)
    lea = await store.requesters.get_requester(lea.id) or lea
    ticket_id, shot = new_id(), b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    filed = await store.helpdesk.file_ticket(
        TicketFiling(
            id=ticket_id, subject="Imprimante bloquée", description="Bourrage papier",
            type=TicketType.INCIDENT, channel=Channel.FORM, department="general",
            priority="normal", lang="fr", requester=lea, created_at=now,
            organisation_id=acme.id, fields={"site_id": "1234"},
            message=TicketMessage(ticket_id, AuthorKind.REQUESTER, lea.id, "Au secours", ts=now),
            attachments=(
                NewAttachment("shot.png", "image/png", shot, hashlib.sha256(shot).hexdigest()),
            ),
            seat=SeatClaim(acme.id, "1234", lea.id, 2),
            events=tuple(
                TicketEvent(ticket_id, kind, AuthorKind.REQUESTER, lea.id, ts=now)
                for kind in ("created", "requester", "fields")  # one instant, in this order
            ),
        )
    )  # fmt: skip
    assert isinstance(filed, Ticket)
    await store.requesters.add_invitation(
        Invitation(new_id(), "tom@acme.be", acme.id, operator_id, now, now + timedelta(days=14))
    )
    await store.notices.add_notice(
        ServiceNotice(new_id(), "Maintenance", "Ce soir", Severity.MAINTENANCE, now, None,
                      (), operator_id, now)
    )  # fmt: skip
    await store.api_tokens.add_api_token(ApiToken(new_id(), operator_id, "CI", "f" * 64, now))
    assert await store.followers.follow(filed.id, operator_id, now)
    assert await store.blocks.block(BlockedSender("spam.example", now, "offres", operator_id))
    assert await store.blocks.matching("x@spam.example", now) is not None  # a hit counted
    await store.saved_views.save_view(
        SavedView(new_id(), operator_id, "Urgent", "view=open&priority=urgent", now, True)
    )
    await store.requesters.add_domain(acme.id, "acme.be", now)
    outage_id = new_id()
    outage = await store.helpdesk.file_ticket(
        TicketFiling(
            id=outage_id, subject="Panne", description="", type=TicketType.INCIDENT,
            channel=Channel.PHONE, department="general", priority="high", lang="fr",
            requester=lea, created_at=now,
            message=TicketMessage(outage_id, AuthorKind.REQUESTER, lea.id, "Tout", ts=now),
        )
    )  # fmt: skip
    assert isinstance(outage, Ticket)
    await store.problems.link(filed.id, outage.id, now, by=operator_id)
    home = await store.requesters.save_requester("lea@home.be", name="", phone="", lang="", now=now)
    assert await store.requesters.merge_requesters(home.id, lea.id, note="", now=now)
    old_id = new_id()  # a ticket from another helpdesk
    imported = await store.imports.import_ticket(
        "zendesk:1",
        TicketFiling(
            id=old_id, subject="Ancien", description="Vieux", type=TicketType.QUESTION,
            channel=Channel.EMAIL, department="general", priority="normal", lang="fr",
            requester=lea, created_at=now, status=Status.CLOSED,
            message=TicketMessage(old_id, AuthorKind.REQUESTER, lea.id, "Vieux", ts=now),
        ),
        [], TicketChanges(closed_at=now), now=now,
    )  # fmt: skip
    assert imported is not None
    records = await _helpdesk_records_of(store, {"ticket": filed, "organisation": acme})
    assert records["found"] == [filed.id] and records["file"][1] == shot
    return records


async def _helpdesk_records_of(store: Store, made: dict[str, Any]) -> dict[str, Any]:
    ticket: Ticket = made["ticket"]
    acme: Organisation = made["organisation"]
    found = await store.helpdesk.find_ticket(ticket.number)
    (attachment,) = await store.helpdesk.list_attachments(ticket.id)
    search = await store.ticket_queries.search_tickets(TicketQuery(q="imprimante bloquee"))
    return {
        "ticket": found,
        "organisation": await store.requesters.get_organisation(acme.id),
        "messages": await store.helpdesk.list_ticket_messages(ticket.id),
        "events": await store.helpdesk.list_ticket_events(ticket.id),
        "file": await store.helpdesk.attachment_data(attachment.id),
        "members": await store.requesters.list_members(acme.id),
        "editors": await store.requesters.site_editors(acme.id, "1234"),
        "invitations": await store.requesters.list_invitations(acme.id),
        "notices": await store.notices.list_notices(),
        "tokens": await store.api_tokens.list_api_tokens(),
        "followers": await store.followers.followers(ticket.id),
        "blocked": await store.blocks.list_blocked(),
        "views": await store.saved_views.list_views("someone else"),
        "domains": await store.requesters.organisation_domains(acme.id),
        "problem": await store.problems.problem_of(ticket.id),
        "addresses": await store.requesters.find_requester("lea@home.be"),
        "found": [t.id for t in search.tickets],
    }


async def _mail_records(store: Store, ticket_id: str, organisation_id: str) -> dict[str, Any]:
    """Make a feed item, mails sent, queued (with a key) and failed, a received message, a
    bouncing address, a held message, an organisation's address and a used sign-in key;
    return what they read."""
    now = utcnow()
    # An invitation to no organisation (the helpdesk's records list Acme's only).
    await store.requesters.add_invitation(
        Invitation(new_id(), "max@example.be", None, "cli", now, now + timedelta(days=14))
    )
    sent, queued, failed = (
        OutboxMail("received", f"{n}@acme.be", "fr", now, ticket_id=ticket_id, data={"n": n},
                   key=f"k:{n}")
        for n in ("sent", "queued", "failed")
    )  # fmt: skip
    assert await store.mail.enqueue_mails([sent, queued, failed]) == 3
    assert len(await store.mail.claim_mails(now, until=now + timedelta(minutes=5), limit=9)) == 3
    await store.mail.mark_mail_sent(sent.id, now)
    await store.mail.mark_mail_failed(failed.id, "550 no", retry_at=None, now=now)
    await store.mail.mark_mail_failed(queued.id, "421 later", retry_at=now, now=now)
    assert await store.mail.add_inbound("<a@client.example>", ticket_id, now)
    assert await store.mail.set_bouncing("gone@acme.be", "550 unknown user", now)
    held = HeldMail("zoe@example.be", "support@desk.test", b"raw \x00\xff bytes", now)
    await store.mail.hold_mail(held)
    assert await store.mail.set_org_address(
        organisation_id, AddressKind.BILLING, "billing@acme.be", on=True
    )
    assert await store.leases.claim_once(
        "signin:abc", expires_at=now + timedelta(minutes=15), now=now
    )
    # A webhook delivery planned from the first item of the webhooks' feed (the rest stays).
    item, *rest = await store.hooks.take_feed(100)
    planned = HookDelivery("crm", item.event, item.source, item.ref_id, item.ticket_id,
                           item.id, now, next_attempt_at=now)  # fmt: skip
    assert rest and await store.hooks.consume_feed(item.id, [planned])
    records = await _mail_records_of(store, ticket_id, organisation_id)
    assert records["feed"] and records["thread"] == ticket_id
    return {**records, "held": held, "queued": queued, "now": now}


async def _mail_records_of(store: Store, ticket_id: str, organisation_id: str) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "organisation_id": organisation_id,
        "feed": await store.mail.take_feed(100),
        "outbox": [await store.mail.list_mails(state) for state in MailState],
        "thread": await store.mail.inbound_ticket(["<a@client.example>"]),
        "bounces": await store.mail.bounces(),
        "addresses": await store.mail.org_addresses([organisation_id]),
        "hook_feed": await store.hooks.take_feed(100),
        "deliveries": await store.hooks.list_deliveries(HookState.QUEUED),
    }


async def _mail_copied(target: str, made: dict[str, Any]) -> None:
    """Check mail's records came across, and that the copy itself fed no mail."""
    store = PostgresStore(target)
    await store.open()
    try:
        copied = await _mail_records_of(store, made["ticket_id"], made["organisation_id"])
        assert copied == {k: made[k] for k in copied}  # the feed too: copying fed nothing
        assert await store.mail.take_held(made["held"].id) == made["held"]
        now = made["now"]
        assert not await store.leases.claim_once("signin:abc", expires_at=now, now=now)
        assert await store.mail.enqueue_mails([made["queued"]]) == 0  # its key is known
        # New feed items come after the copied ones; the queued mail is sent by the new desk.
        await store.requesters.add_invitation(
            Invitation(new_id(), "zoe@example.be", None, "cli", now, now + timedelta(days=14))
        )
        feed = await store.mail.take_feed(100)
        assert feed[:-1] == made["feed"] and feed[-1].id > feed[-2].id
        (due,) = await store.mail.claim_mails(now, until=now + timedelta(minutes=5), limit=9)
        assert due.id == made["queued"].id and due.attempts == 1
    finally:
        await store.close()


async def test_copy_refuses_what_it_cannot_copy(target: str, chatdesk: Any, tmp_path: Path) -> None:
    env = {"CHATDESK_DATA_DIR": str(tmp_path)}
    missing = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    status, _, err = await chatdesk("db", "copy", "--from", missing, "--to", target, env=env)
    assert status == 2 and "no SQLite database" in err
    status, _, err = await chatdesk("db", "copy", "--from", target, "--to", missing, env=env)
    assert status == 2 and "from a SQLite file" in err
    db = await asyncpg.connect(target)
    try:
        assert await db.fetchval("SELECT to_regclass('visitors')") is None  # nothing written
    finally:
        await db.close()
