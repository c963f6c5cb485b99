"""``chatdesk operators``: add (password from stdin), list, disable, enable, passwd,
reset-2fa, demo."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chatdesk import Settings
from chatdesk.cli import main
from chatdesk.deskconfig import load_desk_config
from chatdesk.errors import Unauthorized
from chatdesk.mail.passwords import PasswordResets, reset_content
from chatdesk.models import AuditAction
from chatdesk.models.mail import MailState
from chatdesk.operators import OperatorService, SessionTokens
from chatdesk.store import create_store


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


def test_add_list_disable_enable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run(
        capsys,
        monkeypatch,
        "operators",
        "add",
        "Sophie@Ardenne.Cloud",
        "--name",
        "Sophie Martin",
        "--role",
        "admin",
        "--departments",
        "technical,billing",
        "--languages",
        "fr,nl",
        "--capacity",
        "4",
        stdin="correct horse battery\n",
    )
    assert status == 0 and "added admin Sophie Martin <sophie@ardenne.cloud>" in out
    status, out, _ = run(capsys, monkeypatch, "operators", "list")
    assert status == 0 and "sophie@ardenne.cloud" in out and "active" in out
    assert "last seen" in out and "not yet" in out  # never used the console
    assert run(capsys, monkeypatch, "operators", "disable", "sophie@ardenne.cloud")[0] == 0
    assert "disabled" in run(capsys, monkeypatch, "operators", "list")[1]
    status, out, _ = run(capsys, monkeypatch, "operators", "enable", "sophie@ardenne.cloud")
    assert status == 0 and "enabled" in out
    status, out, _ = run(
        capsys,
        monkeypatch,
        "operators",
        "passwd",
        "sophie@ardenne.cloud",
        stdin="another long password\n",
    )
    assert status == 0 and "sessions have ended" in out


def test_reset_two_step_sign_in(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "operators", "add", "ann@desk.test", "--name", "Ann",
        "--departments", "general", stdin="correct horse battery\n")  # fmt: skip
    assert " off " in run(capsys, monkeypatch, "operators", "list")[1].split("ann@desk.test")[1]

    async def turn_on() -> None:
        settings = Settings.from_environ()
        store = create_store(settings)
        await store.open()
        try:
            ann = await store.operators.operator_credentials("ann@desk.test")
            assert ann is not None
            await store.operators.set_totp(ann[0].id, "JBSWY3DPEHPK3PXPJBSWY3DP", ["h"])
        finally:
            await store.close()

    asyncio.run(turn_on())
    assert " on " in run(capsys, monkeypatch, "operators", "list")[1].split("ann@desk.test")[1]
    status, out, _ = run(capsys, monkeypatch, "operators", "reset-2fa", "Ann@desk.test")
    assert status == 0 and "two-step sign-in is off for ann@desk.test" in out
    assert " off " in run(capsys, monkeypatch, "operators", "list")[1].split("ann@desk.test")[1]
    status, _, err = run(capsys, monkeypatch, "operators", "reset-2fa", "nobody@desk.test")
    assert status != 0 and "no operator" in err


def test_signout_ends_every_session_and_keeps_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "operators", "add", "ann@desk.test", "--name", "Ann",
        "--departments", "general", stdin="correct horse battery\n")  # fmt: skip

    async def open_session() -> str:
        settings = Settings.from_environ().with_secret()
        store = create_store(settings)
        await store.open()
        try:
            service = OperatorService(
                store, SessionTokens(settings.secret_key), departments=("general",)
            )
            ann = await service.login("ann@desk.test", "correct horse battery", client="t")
            token, _ = await service.sessions.open(ann, client="192.0.2.7", agent="curl/8")
            await service.session(token)  # it works
            return token
        finally:
            await store.close()

    async def after(token: str) -> None:
        settings = Settings.from_environ().with_secret()
        store = create_store(settings)
        await store.open()
        try:
            service = OperatorService(
                store, SessionTokens(settings.secret_key), departments=("general",)
            )
            with pytest.raises(Unauthorized):
                await service.session(token)
            # The same password still signs her in; the audit log names the command line.
            await service.login("ann@desk.test", "correct horse battery", client="t")
            (entry,) = await store.audit.list_audit(limit=1)
            assert (entry.action, entry.actor_id, entry.target) == (
                AuditAction.SESSIONS_ENDED,
                None,
                "ann@desk.test",
            )
        finally:
            await store.close()

    token = asyncio.run(open_session())
    status, out, _ = run(capsys, monkeypatch, "operators", "signout", "ann@desk.test")
    assert status == 0 and "ann@desk.test is signed out everywhere" in out
    assert "password is unchanged" in out
    asyncio.run(after(token))
    status, _, err = run(capsys, monkeypatch, "operators", "signout", "nobody@desk.test")
    assert status != 0 and "no operator" in err


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x@desk.test", "--name", "X", "--departments", "general"], "short\n", "at least 10"),
        (
            ["not-an-email", "--name", "X", "--departments", "general"],
            "long enough pw\n",
            "not an e-mail",
        ),
        (
            ["x@desk.test", "--name", "X", "--departments", "nowhere"],
            "long enough pw\n",
            "departments must be among",
        ),
        (
            ["x@desk.test", "--name", "X", "--departments", "general", "--languages", "de"],
            "long enough pw\n",
            "languages must be among",
        ),
    ],
)
def test_add_rejects_bad_input(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    status, _, err = run(capsys, monkeypatch, "operators", "add", *args, stdin=stdin)
    assert status == 1 and message in err


def test_duplicate_and_unknown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["operators", "add", "a@desk.test", "--name", "A", "--departments", "general"]
    assert run(capsys, monkeypatch, *args, stdin="long enough pw\n")[0] == 0
    status, _, err = run(capsys, monkeypatch, *args, stdin="long enough pw\n")
    assert status == 1 and "exists" in err
    status, _, err = run(capsys, monkeypatch, "operators", "disable", "ghost@desk.test")
    assert status == 1 and "no operator" in err


def test_without_departments_an_operator_works_in_all_of_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["operators", "add", "solo@desk.test", "--name", "Solo"]
    status, out, _ = run(capsys, monkeypatch, *args, stdin="long enough pw\n")
    assert status == 0 and "added operator Solo" in out
    out = run(capsys, monkeypatch, "operators", "list")[1]
    assert "general,technical,billing,sales" in out.replace("\n", "").replace(" ", "")


def test_demo_only_on_an_empty_desk(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run(capsys, monkeypatch, "operators", "demo")
    assert status == 0 and "demo@chatdesk.local /" in out
    status, out, _ = run(capsys, monkeypatch, "operators", "demo")
    # Said, not silent: the account exists, and how to get a new password.
    assert status == 0 and "exists" in out
    assert "chatdesk operators passwd demo@chatdesk.local" in out


def test_help_reads_as_plain_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in ([], ["serve"], ["kb"], ["operators"], ["check"]):
        with pytest.raises(SystemExit):
            run(capsys, monkeypatch, *command, "--help")
        out = capsys.readouterr().out
        assert "usage: chatdesk" in out and "``" not in out


def test_add_a_service_manager(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run(
        capsys, monkeypatch, "operators", "add", "els@desk.be", "--name", "Els",
        "--role", "service_manager", "--departments", "general",
        stdin="correct horse battery\n",
    )  # fmt: skip
    assert status == 0 and "added service_manager Els <els@desk.be>" in out


def test_an_operator_without_a_password_needs_single_sign_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("operators", "add", "zoe@desk.test", "--name", "Zoé", "--sso")
    status, _, err = run(capsys, monkeypatch, *argv)
    assert status == 1 and "single sign-on is off: the operator needs a password" in err
    monkeypatch.setenv("CHATDESK_OIDC_ISSUER", "https://id.example.com")
    monkeypatch.setenv("CHATDESK_OIDC_CLIENT_ID", "desk")
    monkeypatch.setenv("CHATDESK_OIDC_CLIENT_SECRET", "hush")
    status, out, _ = run(capsys, monkeypatch, *argv)  # nothing read from stdin
    assert status == 0 and "added operator Zoé <zoe@desk.test>" in out


def test_out_of_office_and_back(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for email, name in (("ann@desk.test", "Ann"), ("bob@desk.test", "Bob")):
        status, _, _ = run(capsys, monkeypatch, "operators", "add", email, "--name", name,
                           stdin="correct horse battery\n")  # fmt: skip
        assert status == 0
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    status, out, _ = run(capsys, monkeypatch, "operators", "away", "ann@desk.test",
                         "--back-on", day, "--replacement", "bob@desk.test")  # fmt: skip
    assert status == 0 and f"back on {day}; bob@desk.test gets their mail" in out
    listed = run(capsys, monkeypatch, "operators", "list")[1]
    assert "back on" in listed and day in listed
    for argv in (
        ("away", "ann@desk.test", "--back-on", "2001-01-01"),
        ("away", "ann@desk.test", "--back-on", day, "--replacement", "ann@desk.test"),
        ("away", "nobody@desk.test", "--back-on", day),
    ):
        status, _, err = run(capsys, monkeypatch, "operators", *argv)
        assert status == 1 and err.startswith("chatdesk: "), argv
    status, out, _ = run(capsys, monkeypatch, "operators", "back", "ann@desk.test")
    assert status == 0 and "ann@desk.test is back" in out
    assert day not in run(capsys, monkeypatch, "operators", "list")[1]


def test_an_operator_invited_from_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("operators", "add", "zoe@desk.test", "--name", "Zoé", "--languages", "nl", "--invite")
    status, _, err = run(capsys, monkeypatch, *argv)
    assert status == 2 and "without e-mail: set CHATDESK_SMTP_URL" in err
    monkeypatch.setenv("CHATDESK_SMTP_URL", "smtp://127.0.0.1:1")  # queued, not sent here
    monkeypatch.setenv("CHATDESK_PUBLIC_URL", "https://desk.test")
    monkeypatch.setenv("CHATDESK_MAIL_FROM", "support@desk.test")
    status, out, _ = run(capsys, monkeypatch, *argv)  # no password read
    assert status == 0 and "added operator Zoé <zoe@desk.test>; the invitation is in" in out
    listed = run(capsys, monkeypatch, "operators", "list")[1].split("zoe@desk.test")[1]
    assert "invited 20" in listed  # and the day
    settings = Settings.from_environ().with_secret()

    async def check() -> None:
        store = create_store(settings)
        await store.open()
        try:
            (mail,) = await store.mail.list_mails(MailState.QUEUED)
            assert (mail.kind, mail.to, mail.lang) == ("password_reset", "zoe@desk.test", "nl")
            content = reset_content(mail, load_desk_config(None))
            assert content.subject.endswith(": uw account op de console")
            assert content.paragraphs[0].startswith("U hebt een account op de console van")
            link = str(mail.data["link"])
            assert link.startswith("https://desk.test/console/password/reset/")
            # Signed with the desk's key: the running desk's service takes it.
            operators = OperatorService(store, SessionTokens(settings.secret_key), departments=())
            resets = PasswordResets(store, operators, _NoMail(), settings.secret_key,
                                    public_url=settings.public_url)  # fmt: skip
            zoe, invited = await resets.check(link.rpartition("/")[2])
            assert zoe.email == "zoe@desk.test" and invited
        finally:
            await store.close()

    asyncio.run(check())


def test_a_password_set_from_the_command_line_tells_the_operator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("operators", "add", "zoe@desk.test", "--name", "Zoé", "--languages", "fr")
    assert run(capsys, monkeypatch, *argv, stdin="a first passphrase\n")[0] == 0
    monkeypatch.setenv("CHATDESK_SMTP_URL", "smtp://127.0.0.1:1")  # queued, not sent here
    monkeypatch.setenv("CHATDESK_MAIL_FROM", "support@desk.test")
    monkeypatch.setenv("CHATDESK_PUBLIC_URL", "https://desk.test")
    passwd = ("operators", "passwd", "zoe@desk.test")
    status, out, _ = run(capsys, monkeypatch, *passwd, stdin="another passphrase\n")
    assert status == 0 and "their sessions have ended; a mail tells them" in out
    settings = Settings.from_environ()

    async def check() -> None:
        store = create_store(settings)
        await store.open()
        try:
            (mail,) = await store.mail.list_mails(MailState.QUEUED)
            assert (mail.kind, mail.to, mail.lang) == ("password_reset", "zoe@desk.test", "fr")
            content = reset_content(mail, load_desk_config(None))
            assert content.paragraphs[0].startswith("Le mot de passe de votre compte")
        finally:
            await store.close()

    asyncio.run(check())


class _NoMail:
    enabled = False

    async def enqueue(self, mails: object) -> int:
        return 0
