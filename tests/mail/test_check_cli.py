"""``chatdesk check``: a deployment's settings, knowledge, database, Redis and mail servers
checked against real servers (an SMTP sink, dovecot), before the desk goes live."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pyotp
import pytest

from chatdesk.cli import main
from chatdesk.config import Settings
from chatdesk.models import Operator, Role
from chatdesk.store import create_store
from chatdesk.twofactor import totp_box

from ..oidc_idp import CLIENT_ID, CLIENT_SECRET, Provider, provider
from ..ports import free_port
from .conftest import Sink
from .imap import Dovecot

__all__ = ["provider"]  # the fixture

KNOWLEDGE = Path(__file__).parents[1] / "fixtures" / "knowledge"
#: A line of the report: its level, its topic (one or two words), what was seen.
LINE = re.compile(r"^(ok|warn|FAIL)\s+(\S+(?: \S+)?)\s{2,}(.*)$")


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desk directory: its own data and config, no mail, no Redis."""
    for name in ("SMTP_URL", "MAIL_FROM", "PUBLIC_URL", "IMAP_URL", "MAIL_IN_LISTEN",
                 "REDIS_URL", "DATABASE_URL", "SECRET_KEY"):  # fmt: skip
        monkeypatch.delenv(f"CHATDESK_{name}", raising=False)
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHATDESK_CONFIG_FILE", str(tmp_path / "chatdesk.toml"))
    monkeypatch.setenv("CHATDESK_KNOWLEDGE_DIR", str(KNOWLEDGE))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chatdesk.toml").write_text('[desk]\nname = "Ardenne Cloud"\n', encoding="utf-8")
    return tmp_path


async def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str]]:
    """Run the command beside the test's servers (it runs its own event loop); return its
    status and each topic's line."""
    status = await asyncio.to_thread(main, ["check", *args])
    found = (LINE.match(line) for line in capsys.readouterr().out.splitlines())
    return status, {m[2]: f"{m[1]} {m[3]}" for m in found if m}


async def test_a_desk_ready_to_go_live(
    desk: Path, sink: Sink, dovecot: Dovecot, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("CHATDESK_SMTP_URL", sink.url)
    monkeypatch.setenv("CHATDESK_MAIL_FROM", "Ardenne Support <support@desk.test>")
    monkeypatch.setenv("CHATDESK_PUBLIC_URL", "https://desk.test")
    monkeypatch.setenv("CHATDESK_IMAP_URL", dovecot.url())
    status, lines = await check(capsys, "--send-test", "admin@desk.test")
    assert status == 0, lines
    assert lines["desk"].startswith("ok") and "'Ardenne Cloud'" in lines["desk"]
    assert lines["knowledge"].startswith("ok") and "entries" in lines["knowledge"]
    assert lines["database"].startswith("ok") and "sqlite answers" in lines["database"]
    assert lines["mail out"] == "ok logged in, nothing sent"
    assert lines["test mail"] == "ok handed over for admin@desk.test"
    assert lines["mail in"] == "ok IMAP: logged in, folder selected"
    # Nobody can log in yet: said, with the command that fixes it.
    assert lines["operators"].startswith("warn") and "operators add" in lines["operators"]
    (test,) = sink.take()
    assert test["To"] == "admin@desk.test" and test["Auto-Submitted"] == "auto-generated"
    assert sink.envelopes == [("support@desk.test", ["admin@desk.test"])]


async def test_problems_are_named_and_fail_the_check(
    desk: Path, dovecot: Dovecot, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    (desk / "chatdesk.toml").write_text("[desk]\ncolour = 'red'\n", encoding="utf-8")
    nobody = free_port()  # nothing listens there
    monkeypatch.setenv("CHATDESK_SMTP_URL", f"smtp://127.0.0.1:{nobody}")
    monkeypatch.setenv("CHATDESK_MAIL_FROM", "support@desk.test")
    monkeypatch.setenv("CHATDESK_PUBLIC_URL", "https://desk.test")
    monkeypatch.setenv("CHATDESK_IMAP_URL", dovecot.url(password="wrong password"))
    monkeypatch.setenv("CHATDESK_REDIS_URL", f"redis://127.0.0.1:{nobody}/0")
    status, out = await check(capsys)
    assert status == 1
    assert out["desk"].startswith("FAIL") and "[desk] colour" in out["desk"]
    assert out["redis"].startswith("FAIL") and "no answer" in out["redis"]
    assert out["mail out"].startswith("FAIL") and "Connect" in out["mail out"]
    assert out["mail in"].startswith("FAIL")


async def test_offline_contacts_no_server(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = free_port()
    monkeypatch.setenv("CHATDESK_SMTP_URL", f"smtp://127.0.0.1:{nobody}")
    monkeypatch.setenv("CHATDESK_MAIL_FROM", "support@desk.test")
    monkeypatch.setenv("CHATDESK_PUBLIC_URL", "https://desk.test")
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["mail out"] == "ok set, not contacted (--offline)"


async def test_two_step_secrets_that_no_longer_open_fail_the_check(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATDESK_SECRET_KEY", "the key the desk ran with " * 2)
    settings = Settings.from_environ()
    store = create_store(settings)
    await store.open()
    try:
        box = totp_box(settings.secret_key)
        for name in ("Ann", "Bob"):
            op = Operator(
                id=f"op-{name}", email=f"{name.lower()}@desk.test", name=name,
                role=Role.OPERATOR, departments=("general",), languages=("en",),
            )  # fmt: skip
            await store.operators.add_operator(op, password_hash="x")
            await store.operators.set_totp(op.id, box.seal(pyotp.random_base32(), op.id), [])
    finally:
        await store.close()
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["two-step"] == "ok 2 operator(s) set up, secrets open"
    monkeypatch.setenv("CHATDESK_SECRET_KEY", "a key made again by mistake " * 2)
    status, out = await check(capsys, "--offline")
    assert status == 1 and out["two-step"].startswith("FAIL 2 of 2 operator(s)")
    assert "ann@desk.test, bob@desk.test" in out["two-step"] and "reset-2fa" in out["two-step"]


async def test_webhooks_are_reached_and_nothing_is_posted(
    desk: Path, sink: Sink, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = await check(capsys, "--offline")
    assert out["webhooks"] == "ok none ([[webhooks]] in chatdesk.toml)"
    nobody = free_port()
    (desk / "chatdesk.toml").write_text(
        # The SMTP sink listens: a connection is all the check makes.
        f'[[webhooks]]\nname = "crm"\nurl = "http://127.0.0.1:{sink.port}/hook"\n'
        f'[[webhooks]]\nname = "oncall"\nurl = "http://127.0.0.1:{nobody}/x"\n',
        encoding="utf-8",
    )
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["webhooks"] == "ok crm, oncall: not contacted (--offline)"
    status, out = await check(capsys)
    assert status == 1
    assert out["webhook crm"].endswith("/hook: reached, nothing posted")
    assert out["webhook oncall"].startswith("FAIL") and "not reached" in out["webhook oncall"]
    assert sink.take() == []


async def test_the_sign_on_provider_is_read(
    desk: Path, provider: Provider, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    status, out = await check(capsys, "--offline")
    assert out["sso"] == "ok off (CHATDESK_OIDC_ISSUER): operators use passwords"
    monkeypatch.setenv("CHATDESK_OIDC_ISSUER", provider.url)
    monkeypatch.setenv("CHATDESK_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("CHATDESK_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["sso"] == f"ok {provider.url}: not contacted (--offline)"
    status, out = await check(capsys)
    assert out["sso"].startswith(f"ok {provider.url}: 1 signing key(s)")
    assert out["sso"].endswith("https://DESK/console/login/sso/callback")
    assert CLIENT_SECRET not in capsys.readouterr().out
    monkeypatch.setenv("CHATDESK_OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    status, out = await check(capsys)
    assert status == 1 and out["sso"].startswith("FAIL") and "did not answer" in out["sso"]


async def test_the_retention_policy_is_told(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = await check(capsys, "--offline")
    assert out["retention"] == "ok none: chats and tickets are kept until erased ([privacy])"
    (desk / "chatdesk.toml").write_text(
        "[privacy]\ndelete_chats_after_days = 90\nanonymise_tickets_after_days = 730\n",
        encoding="utf-8",
    )
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["retention"] == (
        "ok chats deleted after 90 days (0 due); closed tickets anonymised after 730 days (0 due)"
    )


async def test_the_rules_are_listed_and_a_missing_assignee_warned(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = await check(capsys, "--offline")
    assert out["rules"] == "ok none: new tickets stay as filed ([[rules]])"
    rule = (
        '[[rules]]\nname = "{name}"\nwhen = {{ words = ["facture"] }}\n'
        'then = {{ assign = "{email}" }}\n'
    )
    (desk / "chatdesk.toml").write_text(
        rule.format(name="Invoices", email="sophie@desk.test")
        + rule.format(name="Refunds", email="nobody@desk.test"),
        encoding="utf-8",
    )
    store = create_store(Settings.from_environ())
    await store.open()
    try:
        sophie = Operator(
            id="op-sophie", email="sophie@desk.test", name="Sophie", role=Role.OPERATOR,
            departments=("general",), languages=("en",),
        )  # fmt: skip
        await store.operators.add_operator(sophie, password_hash="x")
    finally:
        await store.close()
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["rules"] == (
        "warn 2 (Invoices, Refunds); no active operator to assign: nobody@desk.test"
    )


async def test_departments_without_an_address_of_their_own_are_warned(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = await check(capsys, "--offline")
    assert "reply from" not in out  # the desk's address for all, as chosen
    config = (
        '[desk]\ndepartments = ["technical", "billing", "sales"]\n'
        'default_department = "technical"\n'
        '[email]\nreply_from = "department"\n'
        'addresses = {{"billing@desk.test" = "billing"{more}}}\n'
    )
    (desk / "chatdesk.toml").write_text(config.format(more=""), encoding="utf-8")
    status, out = await check(capsys, "--offline")
    assert status == 0 and out["reply from"] == (
        "warn from the desk's address (no [email] addresses entry): technical, sales"
    )
    more = ', "tech@desk.test" = "technical", "sales@desk.test" = "sales"'
    (desk / "chatdesk.toml").write_text(config.format(more=more), encoding="utf-8")
    _, out = await check(capsys, "--offline")
    assert out["reply from"] == "ok each department writes from its own address"
