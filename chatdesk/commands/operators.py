"""``chatdesk operators add | list | disable | enable | passwd | reset-2fa | away | back |
demo``: manage console accounts."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from zoneinfo import ZoneInfo

from rich.table import Table

from ..audit import AuditTrail
from ..config import LANGUAGES, Settings
from ..deskconfig import load_desk_config
from ..mail.passwords import PasswordResets
from ..models import AuditAction, Operator, utcnow
from ..models.mail import OutboxMail
from ..operators import OperatorService, SessionTokens
from ..store import Store
from .away import add_away_parsers
from .orgs import print_table, run_on_store

__all__ = ["DEMO_EMAIL", "add_parser"]

#: The account `chatdesk operators demo` creates for `make run`.
DEMO_EMAIL = "demo@chatdesk.local"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``operators`` and its sub-commands to the command line."""
    parser = commands.add_parser("operators", help="manage operator accounts")
    sub = parser.add_subparsers(dest="operators_command", required=True)

    add = sub.add_parser("add", help="create an operator (password prompted, or read from stdin)")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--role",
        choices=("admin", "service_manager", "operator"),
        default="operator",
        help="service_manager: handles complaints (docs/helpdesk.md)",
    )
    add.add_argument(
        "--departments",
        help="comma-separated, e.g. technical,billing (default: every department of the desk)",
    )
    add.add_argument("--languages", default="fr,nl,en", help="comma-separated, e.g. fr,nl")
    add.add_argument("--capacity", type=int, help="concurrent conversations (default: the desk's)")
    add.add_argument(
        "--sso",
        action="store_true",
        help="no password: they sign in through single sign-on only (CHATDESK_OIDC_ISSUER)",
    )
    add.add_argument(
        "--invite",
        action="store_true",
        help="no password asked: the desk mails them a link to choose theirs, valid 7 days "
        "(CHATDESK_SMTP_URL; the running desk sends it)",
    )
    add.set_defaults(func=_add)

    sub.add_parser("list", help="list operators").set_defaults(func=_list)

    for name, helptext in (
        ("disable", "disable an operator (ends their sessions)"),
        ("enable", "enable a disabled operator"),
    ):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("email")
        cmd.set_defaults(func=_toggle, disabled=name == "disable")

    passwd = sub.add_parser("passwd", help="set a new password (ends the operator's sessions)")
    passwd.add_argument("email")
    passwd.set_defaults(func=_passwd)

    signout = sub.add_parser(
        "signout",
        help="sign an operator out everywhere (a lost or stolen laptop; the password stays)",
    )
    signout.add_argument("email")
    signout.set_defaults(func=_signout)

    reset = sub.add_parser(
        "reset-2fa",
        help="turn an operator's two-step sign-in off (lost phone and recovery codes; "
        "ends their sessions)",
    )
    reset.add_argument("email")
    reset.set_defaults(func=_reset_two_factor)

    add_away_parsers(sub)

    demo = sub.add_parser(
        "demo", help="when the desk has no operator, create an admin with a random password"
    )
    demo.set_defaults(func=_demo)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    if args.invite and (args.sso or not settings.smtp_url):
        why = "with --sso" if args.sso else "without e-mail: set CHATDESK_SMTP_URL"
        print(f"chatdesk: --invite cannot be used {why}", file=sys.stderr)
        return 2
    settings = settings.with_secret()  # the link is signed as the desk checks it
    # Invited: a password nobody knows until the link sets theirs.
    password = None if args.sso else secrets.token_urlsafe(32) if args.invite else _password()

    async def work(service: OperatorService, audit: AuditTrail) -> str:
        operator = await service.add(
            args.email,
            name=args.name,
            role=args.role,
            departments=(
                _split(args.departments) if args.departments is not None else service.departments
            ),
            languages=_split(args.languages),
            password=password,
            capacity=args.capacity,
        )
        added = f"added {operator.role} {operator.name} <{operator.email}>"
        if not args.invite:
            await audit.record(None, AuditAction.OPERATOR_ADDED, operator.email, operator.role)
            return added
        await audit.record(None, AuditAction.OPERATOR_ADDED, operator.email,
                           f"{operator.role}, invited by e-mail")  # fmt: skip
        resets = PasswordResets(service.store, service, _Outbox(service.store),
                                settings.secret_key, public_url=settings.public_url)  # fmt: skip
        await resets.invite(operator, by=None)
        return f"{added}; the invitation is in the desk's outbox (the running desk sends it)"

    return _run(settings, work)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    zone = load_desk_config(settings.config_file).hours.timezone  # "back on": the desk's day

    async def work(service: OperatorService, audit: AuditTrail) -> str:
        table = Table(
            "e-mail", "name", "role", "departments", "languages", "capacity", "state", "2fa",
            "back on", "last seen",
        )  # fmt: skip
        now = utcnow()
        for o in await service.list():
            table.add_row(
                o.email,
                o.name,
                o.role,
                ",".join(o.departments),
                ",".join(o.languages),
                str(o.capacity or "default"),
                "disabled" if o.disabled else "active",
                "on" if o.two_factor else "off",
                o.away_until.astimezone(zone).date().isoformat()
                if o.away_until and o.away(now)
                else "",
                _last_seen(o, zone),
            )
        print_table(table, "no operators yet (chatdesk operators add EMAIL --name NAME)")
        return ""

    return _run(settings, work)


def _last_seen(operator: Operator, zone: ZoneInfo) -> str:
    """The list's "last seen": when, or an invitation nobody took up (since when)."""
    if operator.last_seen_at:
        return f"{operator.last_seen_at.astimezone(zone):%Y-%m-%d %H:%M}"
    if operator.invited_at:
        return f"invited {operator.invited_at.astimezone(zone):%Y-%m-%d}"
    return "not yet"


def _toggle(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: OperatorService, audit: AuditTrail) -> str:
        operator = await service.set_disabled(args.email, args.disabled)
        action = AuditAction.OPERATOR_DISABLED if args.disabled else AuditAction.OPERATOR_ENABLED
        await audit.record(None, action, operator.email)
        return f"{operator.email} is {'disabled' if operator.disabled else 'enabled'}"

    return _run(settings, work)


def _signout(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: OperatorService, audit: AuditTrail) -> str:
        operator = await service.end_sessions(args.email)
        await audit.record(None, AuditAction.SESSIONS_ENDED, operator.email)
        return (
            f"{operator.email} is signed out everywhere (open consoles within a minute);"
            " their password is unchanged"
        )

    return _run(settings, work)


def _reset_two_factor(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: OperatorService, audit: AuditTrail) -> str:
        operator = await service.reset_two_factor(args.email)
        await audit.record(None, AuditAction.TWO_FACTOR_RESET, operator.email)
        return (
            f"two-step sign-in is off for {operator.email}: they sign in with their password"
            " and may set it up again on their account page; their sessions have ended"
        )

    return _run(settings, work)


def _passwd(args: argparse.Namespace, settings: Settings) -> int:
    password = _password()

    async def work(service: OperatorService, audit: AuditTrail) -> str:
        operator = await service.set_password(args.email, password)
        await audit.record(None, AuditAction.PASSWORD_SET, operator.email)
        told = "; a mail tells them (the running desk sends it)" if settings.smtp_url else ""
        return f"password changed for {operator.email}; their sessions have ended{told}"

    return _run(settings, work)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: OperatorService, audit: AuditTrail) -> str:
        existing = await service.list()
        if existing:
            # A real desk: never add an account behind the admin's back; say what to do.
            demo = next((o for o in existing if o.email == DEMO_EMAIL), None)
            if demo is not None:
                return (
                    f"the demo operator {DEMO_EMAIL} exists; to set a new password run:\n"
                    f"  chatdesk operators passwd {DEMO_EMAIL}"
                )
            return (
                f"operators exist ({len(existing)}): no demo account added; "
                "list them with: chatdesk operators list"
            )
        password = secrets.token_urlsafe(12)
        demo = await service.add(
            DEMO_EMAIL,
            name="Demo Admin",
            role="admin",
            departments=service.departments,
            languages=LANGUAGES,
            password=password,
        )
        await audit.record(None, AuditAction.OPERATOR_ADDED, demo.email, "admin (demo)")
        return (
            f"demo operator created: log in at /console with {DEMO_EMAIL} / "
            f"{password}\n(disable it with: chatdesk operators disable {DEMO_EMAIL})"
        )

    return _run(settings, work)


def _run(settings: Settings, work: Callable[[OperatorService, AuditTrail], Awaitable[str]]) -> int:
    config = load_desk_config(settings.config_file)

    def operators(store: Store, secret_key: str) -> Awaitable[str]:
        service = OperatorService(
            store, SessionTokens(secret_key), departments=config.departments,
            sso=bool(settings.oidc_issuer),
        )  # fmt: skip
        if settings.smtp_url:  # a new password tells them, as the console's do
            resets = PasswordResets(store, service, _Outbox(store), secret_key,
                                    public_url=settings.public_url)  # fmt: skip
            service.password_changed = resets.changed
        return work(service, AuditTrail(store))

    return run_on_store(settings, operators)


class _Outbox:
    """The desk's outbox table: the command line queues, the running desk sends."""

    enabled = True

    def __init__(self, store: Store) -> None:
        self.store = store

    async def enqueue(self, mails: Sequence[OutboxMail]) -> int:
        return await self.store.mail.enqueue_mails(mails)


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            print("chatdesk: the passwords differ", file=sys.stderr)
            raise SystemExit(1)
        return first
    # Piped: the first line of stdin ("echo $PASSWORD | chatdesk operators add ...").
    return sys.stdin.readline().rstrip("\n")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]
