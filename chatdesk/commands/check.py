"""``chatdesk check``: what is set up and what is not, before the desk goes live."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from rich.console import Console
from rich.markup import escape

from ..bot.knowledge import KnowledgeError, load_knowledge
from ..config import Settings
from ..deskconfig import Retention, load_desk_config
from ..errors import ChatdeskError, SealBroken
from ..mail.imapbox import ImapError, Mailbox
from ..mail.sender import DeliveryError, SmtpSender
from ..mailconfig import parse_address, parse_imap_url, parse_smtp_url
from ..redislink import connect_redis
from ..retention import RetentionJob
from ..ruleconfig import LEAST_BUSY
from ..store import create_store
from ..twofactor import totp_box
from ..web.oidc import OidcError, OidcProvider
from ..web.widget import DIST_DIR

__all__ = ["add_parser"]

Level = Literal["ok", "warn", "fail"]
#: How long a server may take to answer before it counts as unreachable.
_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: how it stands, what it is about, what we saw."""

    level: Level
    topic: str
    text: str


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the command line."""
    parser = commands.add_parser(
        "check",
        help="check the configuration, knowledge, database, Redis, mail servers, webhooks and the "
        "single sign-on provider "
        "before going live (exit 1 on a problem)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not contact Redis, the mail servers, webhooks or the sign-on provider",
    )
    parser.add_argument("--send-test", metavar="ADDRESS", help="also send a test e-mail to ADDRESS")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    findings = asyncio.run(_findings(settings, offline=args.offline, test_to=args.send_test))
    out = Console(highlight=False, soft_wrap=True)
    marks = {"ok": "[green]ok  [/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}
    width = max(len(f.topic) for f in findings)
    for f in findings:
        # What we saw is text, not markup: "[desk] colour" must print as it is.
        out.print(f"{marks[f.level]}  {escape(f.topic.ljust(width))}  {escape(f.text)}")
    failed = sum(f.level == "fail" for f in findings)
    warned = sum(f.level == "warn" for f in findings)
    out.print(f"{failed} problem(s), {warned} warning(s)")
    return 1 if failed else 0


async def _findings(settings: Settings, *, offline: bool, test_to: str | None) -> list[Finding]:
    found = [_desk(settings), _knowledge(settings), _secret(settings)]
    found += _reply_from(settings)
    found += await _database(settings)
    found.append(await _redis(settings, offline))
    found += await _mail(settings, offline, test_to)
    found += await _webhooks(settings, offline)
    found.append(await _sso(settings, offline))
    found.append(_widget())
    return found


def _desk(settings: Settings) -> Finding:
    path = settings.config_file
    if path is None or not path.exists():
        return Finding("warn", "desk", f"no {path or 'chatdesk.toml'}: the defaults apply")
    try:
        config = load_desk_config(path)
    except ChatdeskError as exc:
        return Finding("fail", "desk", exc.message)
    return Finding(
        "ok", "desk",
        f"{path}: {config.name!r}, {len(config.departments)} department(s), "
        f"hours in {config.hours.timezone.key}"
        + (f" ({len(config.department_hours)} department(s) on hours of their own)"
           if config.department_hours else ""),
    )  # fmt: skip


def _reply_from(settings: Settings) -> list[Finding]:
    """With ``[email] reply_from = "department"``: the departments that still write from
    the desk's address (none of ``[email] addresses`` names them)."""
    path = settings.config_file
    if path is None or not path.exists():
        return []
    try:
        config = load_desk_config(path)
    except ChatdeskError:
        return []  # the desk's line says it
    if config.email.reply_from != "department":
        return []
    bare = [d for d in config.departments if config.email.from_address(d) is None]
    if not bare:
        return [Finding("ok", "reply from", "each department writes from its own address")]
    return [Finding("warn", "reply from", "from the desk's address (no [email] addresses entry): "
                    + ", ".join(bare))]  # fmt: skip


def _knowledge(settings: Settings) -> Finding:
    directory = settings.knowledge_dir
    if directory is None:
        return Finding("warn", "knowledge", "none (CHATDESK_KNOWLEDGE_DIR): the bot is off")
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as exc:
        errors = [p for p in exc.problems if not p.warning]
        first = f"; first: {errors[0]}" if errors else ""
        return Finding("fail", "knowledge", f"{len(errors)} error(s) (chatdesk kb check){first}")
    except ChatdeskError as exc:
        return Finding("fail", "knowledge", exc.message)
    # Its warnings (a language an entry lacks...) are the authors' to weigh: said, not flagged.
    notes = f", {len(knowledge.warnings)} note(s) (chatdesk kb check)" if knowledge.warnings else ""
    return Finding(
        "ok", "knowledge",
        f"{directory}: {len(knowledge.entries)} entries in {', '.join(knowledge.languages)}{notes}",
    )  # fmt: skip


def _secret(settings: Settings) -> Finding:
    if settings.secret_key:
        return Finding("ok", "secret key", "set (CHATDESK_SECRET_KEY)")
    kept = settings.data_dir / "secret_key"
    where = f"kept in {kept}" if kept.exists() else f"made at first start in {kept}"
    if settings.redis_url or settings.database_url:
        # Several processes sign links and sessions: one key for all, or they refuse
        # each other's.
        return Finding(
            "warn", "secret key", f"{where}: with several processes set CHATDESK_SECRET_KEY"
        )
    return Finding("ok", "secret key", where)


async def _database(settings: Settings) -> list[Finding]:
    store = create_store(settings)
    try:
        await asyncio.wait_for(store.open(), _TIMEOUT)
    except (ChatdeskError, OSError, TimeoutError) as exc:
        text = exc.message if isinstance(exc, ChatdeskError) else f"{type(exc).__name__}: {exc}"
        return [Finding("fail", "database", text)]
    try:
        operators = [o for o in await store.operators.list_operators() if not o.disabled]
        totp = {
            o.email: (await store.operators.operator_totp(o.id))[0]
            for o in operators
            if o.two_factor
        }
        ids = {o.email: o.id for o in operators}
        policy = _policy(settings)
        due = await RetentionJob(store, policy).due() if policy else (0, 0)
    finally:
        await store.close()
    found = [Finding("ok", "database", f"{store.name} answers, schema up to date")]
    admins = sum(o.role == "admin" for o in operators)
    if not admins:
        found.append(
            Finding("warn", "operators", "no active admin: chatdesk operators add EMAIL "
                    "--name NAME --role admin")
        )  # fmt: skip
    else:
        found.append(Finding("ok", "operators", f"{len(operators)} active, {admins} admin(s)"))
    if totp:
        found.append(_two_step(settings, totp, ids))
    if policy is not None:
        found.append(_retention(policy, due))
    rules = _rules(settings, {o.email.lower() for o in operators})
    return found + ([rules] if rules else [])


def _policy(settings: Settings) -> Retention | None:
    try:
        return load_desk_config(settings.config_file).retention
    except ChatdeskError:
        return None  # the desk's line says what is wrong with the file


def _rules(settings: Settings, enabled: set[str]) -> Finding | None:
    """The ``[[rules]]``, and any ``assign`` naming no active operator (skipped then)."""
    try:
        rules = load_desk_config(settings.config_file).rules
    except ChatdeskError:
        return None
    if not rules:
        return Finding("ok", "rules", "none: new tickets stay as filed ([[rules]])")
    names = ", ".join(r.name for r in rules)
    named = {r.then.assign for r in rules if r.then.assign and r.then.assign != LEAST_BUSY}
    missing = sorted(named - enabled)
    if missing:
        return Finding(
            "warn", "rules",
            f"{len(rules)} ({names}); no active operator to assign: {', '.join(missing)}",
        )  # fmt: skip
    return Finding("ok", "rules", f"{len(rules)}: {names}")


def _retention(policy: Retention, due: tuple[int, int]) -> Finding:
    """The ``[privacy]`` policy, and what its next turns will take."""
    if policy.chats is None and policy.tickets is None:
        return Finding(
            "ok", "retention", "none: chats and tickets are kept until erased ([privacy])"
        )
    parts = []
    if policy.chats is not None:
        parts.append(f"chats deleted after {policy.chats.days} days ({due[0]} due)")
    if policy.tickets is not None:
        parts.append(f"closed tickets anonymised after {policy.tickets.days} days ({due[1]} due)")
    return Finding("ok", "retention", "; ".join(parts))


def _two_step(settings: Settings, totp: dict[str, str], ids: dict[str, str]) -> Finding:
    """Whether each operator's sealed TOTP secret opens with the key the desk will use (a
    changed secret key locks their authenticator codes out: docs/operators.md)."""
    kept = settings.data_dir / "secret_key"
    key = settings.secret_key or (kept.read_text("ascii").strip() if kept.exists() else "")
    box = totp_box(key)
    locked = []
    for email, stored in sorted(totp.items()):
        try:
            box.open(stored, ids[email])
        except SealBroken:
            locked.append(email)
    if locked:
        return Finding(
            "fail", "two-step",
            f"{len(locked)} of {len(totp)} operator(s) set up, but their app codes do not "
            f"open with this secret key (was it changed?): {', '.join(locked)}; put the old "
            "key back, or `chatdesk operators reset-2fa EMAIL` each",
        )  # fmt: skip
    return Finding("ok", "two-step", f"{len(totp)} operator(s) set up, secrets open")


async def _redis(settings: Settings, offline: bool) -> Finding:
    if not settings.redis_url:
        level: Level = "warn" if settings.database_url else "ok"
        return Finding(level, "redis", "not used: one process only (CHATDESK_REDIS_URL)")
    if offline:
        return Finding("ok", "redis", "set, not contacted (--offline)")
    client = connect_redis(settings)
    assert client is not None
    try:
        await asyncio.wait_for(client.ping(), _TIMEOUT)
    except (RedisError, OSError, TimeoutError) as exc:
        return Finding("fail", "redis", f"no answer: {type(exc).__name__}: {exc}")
    finally:
        await client.aclose()
    return Finding("ok", "redis", "answers PING")


async def _mail(settings: Settings, offline: bool, test_to: str | None) -> list[Finding]:
    found: list[Finding] = []
    if not settings.smtp_url:
        found.append(
            Finding("warn", "mail out", "off (CHATDESK_SMTP_URL): requesters get no e-mail")
        )
    elif offline:
        found.append(Finding("ok", "mail out", "set, not contacted (--offline)"))
    else:
        sender = SmtpSender(parse_smtp_url(settings.smtp_url), timeout=_TIMEOUT)
        found.append(await _probe("mail out", sender.probe, "logged in, nothing sent"))
        if test_to:
            found.append(await _probe("test mail", lambda: _send_test(settings, sender, test_to),
                                      f"handed over for {test_to}"))  # fmt: skip
    if settings.mail_in_listen:
        found.append(Finding("ok", "mail in", f"received on {settings.mail_in_listen} (SMTP)"))
    if settings.imap_url:
        if offline:
            found.append(Finding("ok", "mail in", "IMAP set, not contacted (--offline)"))
        else:
            box = Mailbox(parse_imap_url(settings.imap_url), timeout=_TIMEOUT)

            async def login() -> None:
                await asyncio.to_thread(box.open)
                await asyncio.to_thread(box.close)

            found.append(await _probe("mail in", login, "IMAP: logged in, folder selected"))
    if not (settings.mail_in_listen or settings.imap_url):
        found.append(Finding("warn", "mail in", "off: answers by e-mail are not read"))
    return found


async def _probe(topic: str, attempt: Callable[[], Awaitable[None]], success: str) -> Finding:
    try:
        await attempt()
    except (DeliveryError, ImapError) as exc:
        return Finding("fail", topic, str(exc))
    return Finding("ok", topic, success)


async def _send_test(settings: Settings, sender: SmtpSender, to: str) -> None:
    name, address = parse_address(settings.mail_from)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = f"chatdesk: test mail from {name or address}"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "This is a test sent by `chatdesk check --send-test`: the desk's mail reaches you.\n"
    )
    await sender.send(message, sender=address, recipients=[to])


async def _webhooks(settings: Settings, offline: bool) -> list[Finding]:
    """Each endpoint of ``[[webhooks]]``: connected to (TLS checked for https), nothing
    posted (``chatdesk webhooks ping NAME`` posts a test)."""
    try:
        hooks = load_desk_config(settings.config_file).webhooks
    except ChatdeskError:
        return []  # the desk's line says what is wrong with the file
    if not hooks:
        return [Finding("ok", "webhooks", "none ([[webhooks]] in chatdesk.toml)")]
    if offline:
        names = ", ".join(h.name for h in hooks)
        return [Finding("ok", "webhooks", f"{names}: not contacted (--offline)")]
    return [await _reach(hook.name, hook.url) for hook in hooks]


async def _reach(name: str, url: str) -> Finding:
    parts = urlsplit(url)
    tls = parts.scheme == "https"
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or (443 if tls else 80), ssl=tls),
            _TIMEOUT,
        )
    except (OSError, TimeoutError) as exc:
        return Finding(
            "fail", f"webhook {name}", f"{url}: not reached: {exc or type(exc).__name__}"
        )
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return Finding("ok", f"webhook {name}", f"{url}: reached, nothing posted")


async def _sso(settings: Settings, offline: bool) -> Finding:
    """The OpenID Connect provider: its discovery document and signing keys read."""
    issuer = settings.oidc_issuer
    if not issuer:
        return Finding("ok", "sso", "off (CHATDESK_OIDC_ISSUER): operators use passwords")
    if offline:
        return Finding("ok", "sso", f"{issuer}: not contacted (--offline)")
    provider = OidcProvider(issuer, settings.oidc_client_id, settings.oidc_client_secret)
    try:
        keys = await provider.signing_keys()
    except OidcError as exc:
        return Finding("fail", "sso", f"{issuer}: {exc.message}")
    finally:
        await provider.close()
    return Finding(
        "ok", "sso", f"{issuer}: {len(keys.keys)} signing key(s); redirect URI to register: "
        f"{settings.public_url.rstrip('/') or 'https://DESK'}/console/login/sso/callback",
    )  # fmt: skip


def _widget() -> Finding:
    if (DIST_DIR / "widget.js").exists():
        return Finding("ok", "widget", "built")
    return Finding("warn", "widget", "not built: run `make widget` (Node.js 18+)")
