"""E-mail settings and the [email] table: values read, mistakes named."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatdesk import Settings
from chatdesk.deskconfig import load_desk_config
from chatdesk.errors import ConfigError
from chatdesk.mailconfig import ImapTarget, SmtpTarget, parse_imap_url, parse_smtp_url

MAIL = {"CHATDESK_MAIL_FROM": "Desk <desk@acme.example>", "CHATDESK_PUBLIC_URL": "https://d.ex"}


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("smtp://relay.local", SmtpTarget("relay.local", 25)),
        ("smtps://u:p@mail.ex", SmtpTarget("mail.ex", 465, "u", "p", tls=True)),
        ("smtp://me%40acme.ex:p%2Fw@mail.ex:587?starttls=1",
         SmtpTarget("mail.ex", 587, "me@acme.ex", "p/w", starttls=True)),
    ],
)  # fmt: skip
def test_smtp_urls(url: str, target: SmtpTarget) -> None:
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("imaps://desk%40acme.ex:p%2Fw@mail.ex", ImapTarget("mail.ex", 993, "desk@acme.ex",
                                                          "p/w", tls=True)),
        ("imap://u:p@127.0.0.1:1143/Support%2FDesk",
         ImapTarget("127.0.0.1", 1143, "u", "p", folder="Support/Desk")),
        ("imap://u:p@mail.ex/INBOX?starttls=1", ImapTarget("mail.ex", 143, "u", "p",
                                                           starttls=True)),
    ],
)  # fmt: skip
def test_imap_urls(url: str, target: ImapTarget) -> None:
    assert parse_imap_url(url) == target


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CHATDESK_IMAP_URL": "pop3://u:secret@mail.ex"}, "imaps:// (TLS) or imap://"),
        ({"CHATDESK_IMAP_URL": "imaps://mail.ex"}, "user name"),
        ({"CHATDESK_IMAP_URL": "imaps://u:secret@mail.ex?starttls=1"}, "TLS already"),
        ({"CHATDESK_IMAP_URL": "imaps://u:secret@mail.ex/Bo%C3%AEte"}, "printable ASCII"),
        ({"CHATDESK_IMAP_POLL": "1"}, "CHATDESK_IMAP_POLL"),
        ({"CHATDESK_SMTP_URL": "http://mail.ex"}, "smtps:// (TLS) or smtp://"),
        ({"CHATDESK_SMTP_URL": "smtp://mail.ex:99999"}, "port"),
        ({"CHATDESK_SMTP_URL": "smtps://mail.ex?starttls=1"}, "TLS already"),
        ({"CHATDESK_SMTP_URL": "smtp://mail.ex?tls=1"}, "unknown option"),
        ({"CHATDESK_SMTP_URL": "smtp://u:secret@mail.ex"}, "needs CHATDESK_MAIL_FROM"),
        ({"CHATDESK_MAIL_FROM": "not an address"}, "CHATDESK_MAIL_FROM"),
        ({"CHATDESK_MAIL_IN_LISTEN": "2525"}, "host:port"),
        ({"CHATDESK_PUBLIC_URL": "desk.example"}, "http(s)"),
    ],
)
def test_mistakes_name_the_variable_and_never_the_password(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_environ(env, env_file=None)
    assert says in caught.value.message and "secret" not in caught.value.message


def test_the_smtp_password_stays_out_of_the_settings_repr() -> None:
    settings = Settings.from_environ(
        {"CHATDESK_SMTP_URL": "smtp://u:hunter2@mail.ex:587", **MAIL}, env_file=None
    )
    assert "hunter2" not in repr(settings) and "mail.ex:587" in repr(settings)
    settings = Settings.from_environ({"CHATDESK_IMAP_URL": "imaps://u:hunter2@mail.ex"},
                                     env_file=None)  # fmt: skip
    assert "hunter2" not in repr(settings) and "***@mail.ex" in repr(settings)


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ('colour = "blue"', "[email] colour"),
        ('sender_limit = "lots"', "[email] sender_limit"),
        ('reminder = "soon"', "[email] reminder"),
        ('registered_only = ["nope"]', "unknown department 'nope'"),
        ('addresses = { "billing@a.ex" = "nope" }', "unknown department 'nope'"),
        ('addresses = { "billing" = "billing" }', "not an e-mail address"),
        ('unknown_senders = "ask"', "unknown_senders"),
        ('colur = "#fff"', "unknown key 'colur'"),
    ],
)
def test_the_email_table_names_its_mistakes(tmp_path: Path, table: str, says: str) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(f"[email]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_desk_config(path)
    assert says in caught.value.message


def test_the_email_table_defaults_and_values(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(
        '[email]\nunknown_senders = "verify"\naddresses = { "Billing@A.ex" = "billing" }\n'
        'reminder = ""\n',
        encoding="utf-8",
    )
    email = load_desk_config(path).email
    assert email.unknown_senders == "verify" and email.addresses == {"billing@a.ex": "billing"}
    assert email.reminder is None and email.colour == "#1d4ed8"
