"""The weekly report by e-mail (``[email] weekly_report``): last week's figures to the
admins and service managers who take the desk's mail, once, from Monday 08:00 in the
desk's time zone, through a real SMTP sink on every backend."""

from __future__ import annotations

from pathlib import Path

from chatdesk.deskconfig import load_desk_config
from chatdesk.store import Store

from ..desk import Clock
from ..helpdesk.conftest import operator
from .conftest import Sink, deliver, mail_desk
from .test_outbox import parts
from .test_staff_mail import at, file


async def test_on_monday_morning_the_readers_get_last_week_once(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, weekly_report=True)
    ann = await operator(desk, "Ann", "admin")
    await operator(desk, "Sam", "service_manager")
    await operator(desk, "Bob")  # an operator: no report
    quiet = await operator(desk, "Quiet", "admin")
    await desk.operators.set_mail_notifications(quiet, False)
    clock.now = at("2026-11-17T10:00")  # Tuesday, week 47: the week before
    await file(desk, subject="Mot de passe", email="eva@example.be")
    clock.now = at("2026-11-24T10:00")  # Tuesday, week 48
    ticket = await file(desk)
    clock.now = at("2026-11-24T10:30")
    await desk.helpdesk.tickets.reply(ticket.id, ann, "C'est réparé.")
    await file(desk, subject="Facture", email="tom@example.be")
    await deliver(desk, sink)
    clock.now = at("2026-11-30T07:59")  # Monday, week 49: not yet
    await desk.mail.weekly.run()
    assert await deliver(desk, sink) == []
    clock.now = at("2026-11-30T08:00")
    await desk.mail.weekly.run()
    await desk.mail.weekly.run()  # the same process again
    await mail_desk(store, clock, sink, weekly_report=True).mail.weekly.run()  # or another
    clock.now = at("2026-12-03T15:00")
    await mail_desk(store, clock, sink, weekly_report=True).mail.weekly.run()  # a restart
    sent = await deliver(desk, sink)
    assert sorted(m["To"] for m in sent) == ["ann@desk.test", "sam@desk.test"]
    # An admin added on Thursday gets it at the job's next turn, in the same process;
    # the others do not get it again.
    await operator(desk, "Ida", "admin")
    await desk.mail.weekly.run()
    assert [m["To"] for m in await deliver(desk, sink)] == ["ida@desk.test"]
    await desk.mail.weekly.run()
    assert await deliver(desk, sink) == []
    mail = next(m for m in sent if m["To"] == "ann@desk.test")
    assert mail["Subject"] == "Ardenne Cloud\u00a0: la semaine 48 en chiffres"
    assert mail["Auto-Submitted"] == "auto-generated"
    text, html = parts(mail)
    assert "Bonjour Ann," in text
    assert "du 23 novembre au 29 novembre" in text
    assert "Nouvelles demandes : 2 (semaine 47 : 1)" in text  # beside the week before
    assert "Premières réponses dans les délais : 1 sur 1 (100 %)" in text
    assert "Première réponse, en moyenne : 30 min" in text  # week 47 had none: no "(…)"
    assert "Première réponse, en moyenne : 30 min (" not in text
    assert "Satisfaction : —" in text
    assert "https://desk.test/console/reports?from=2026-11-23&to=2026-11-29" in text
    assert "Ouvrir les rapports" in html


def test_it_is_set_in_chatdesk_toml(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    assert load_desk_config(None).email.weekly_report is False
    path.write_text("[email]\nweekly_report = true\n", encoding="utf-8")
    assert load_desk_config(path).email.weekly_report is True


async def test_a_desk_without_it_sends_none(store: Store, clock: Clock, sink: Sink) -> None:
    desk = mail_desk(store, clock, sink)  # weekly_report is off by default
    ann = await operator(desk, "Ann", "admin")
    clock.now = at("2026-11-30T09:00")
    await desk.mail.weekly.run()
    assert await deliver(desk, sink) == []
    # On, with an admin out of office: none to them either.
    on = mail_desk(store, clock, sink, weekly_report=True)
    await on.helpdesk.away.set(ann, at("2026-12-03T00:00"))
    await on.mail.weekly.run()
    assert await deliver(on, sink) == []


async def test_admins_read_which_accounts_nobody_used_for_months(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, weekly_report=True)
    await operator(desk, "Ann", "admin")
    await operator(desk, "Sam", "service_manager")
    leaver, gone = await operator(desk, "Léo"), await operator(desk, "Gus")
    fresh, never = await operator(desk, "Eva"), await operator(desk, "Nia")
    long_ago, lately = at("2026-08-20T10:00"), at("2026-11-20T10:00")
    for who, when in ((leaver, long_ago), (gone, long_ago), (fresh, lately)):
        await store.operators.mark_seen(who.id, when, since=when)
    await desk.operators.set_disabled(gone.email, True)  # disabled already: not named
    assert never.last_seen_at is None  # not seen since the desk records it: not named
    clock.now = at("2026-11-30T08:00")
    await desk.mail.weekly.run()
    mails = {m["To"]: parts(m)[0] for m in await deliver(desk, sink)}
    assert "Comptes actifs inutilisés depuis 3 mois : Léo. Désactivez" in mails["ann@desk.test"]
    assert "inutilisés" not in mails["sam@desk.test"]  # disabling is an admin's
