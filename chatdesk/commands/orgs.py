"""``chatdesk orgs …`` and ``chatdesk tokens …``: organisations, members, invitations, tokens."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from rich.console import Console
from rich.table import Table

from ..audit import AuditTrail
from ..config import Settings
from ..customers import Customers
from ..deskconfig import load_desk_config
from ..errors import ChatdeskError, NotFound
from ..helpdesk import Helpdesk, build_helpdesk
from ..mail import AddressBook
from ..models import AuditAction, Operator, format_ts
from ..models.mail import AddressKind
from ..operators import normalize_email
from ..store import Store, create_store

__all__ = ["active_operator", "add_parser", "print_table", "run_helpdesk"]

Work = Callable[[Helpdesk, Store], Awaitable[str]]
_ADDRESS_HELP = {"billing": "billing and orders", "support": "support and service notice",
                 "abuse": "abuse"}  # fmt: skip


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``orgs`` and ``tokens`` and their sub-commands to the command line."""
    orgs = commands.add_parser("orgs", help="manage customer organisations")
    sub = orgs.add_subparsers(dest="orgs_command", required=True)
    add = sub.add_parser("add", help="create an organisation")
    add.add_argument("name")
    add.add_argument("--max-members", type=int)
    add.add_argument("--max-editors-per-site", type=int)
    add.add_argument("--no-contract", action="store_true", help="create it without a contract")
    for kind in AddressKind:
        add.add_argument(
            f"--{kind}-email", action="append", default=[], metavar="EMAIL",
            help=f"where its {_ADDRESS_HELP[kind]} notifications go (repeatable)",
        )  # fmt: skip
    add.set_defaults(func=_add)
    address = sub.add_parser("address", help="add or remove a notification address")
    address.add_argument("org")
    address.add_argument("kind", choices=[k.value for k in AddressKind])
    address.add_argument("email")
    address.add_argument("--remove", action="store_true", help="remove it instead")
    address.set_defaults(func=_address)
    domain = sub.add_parser(
        "domain",
        help="give an organisation an e-mail domain (or take it back)",
        description="A new requester whose address is at the domain joins the "
        "organisation at their first request; those of the domain in no organisation "
        "join now. Public mail providers (gmail.com, outlook.com, skynet.be...) are "
        "refused.",
    )
    domain.add_argument("org")
    domain.add_argument("domain", help="acme.be (or @acme.be)")
    domain.add_argument("--remove", action="store_true", help="take it back instead")
    domain.set_defaults(func=_domain)
    sub.add_parser("list", help="list organisations").set_defaults(func=_list)
    show = sub.add_parser("show", help="an organisation's members and invitations")
    show.add_argument("org")
    show.set_defaults(func=_show)
    member = sub.add_parser("member", help="add or remove a member")
    msub = member.add_subparsers(dest="member_command", required=True)
    madd = msub.add_parser("add", help="add a member (created if new)")
    madd.add_argument("org")
    madd.add_argument("email")
    madd.add_argument("--admin", action="store_true", help="an admin of the organisation")
    madd.add_argument("--name", default="")
    madd.set_defaults(func=_member_add)
    mremove = msub.add_parser("remove", help="take someone out of their organisation")
    mremove.add_argument("email")
    mremove.set_defaults(func=_member_remove)
    merge = sub.add_parser(
        "merge",
        help="merge an organisation into another (one customer entered twice)",
        description="Its members with their roles, tickets, e-mail domains, invitations, "
        "notification addresses and site seats go to the organisation kept, whose name, "
        "contract, caps and note stay; then it is deleted. Nobody is mailed.",
    )
    merge.add_argument("org", help="the organisation merged (its name or id)")
    merge.add_argument("--into", required=True, help="the organisation kept (its name or id)")
    merge.set_defaults(func=_merge)
    contract = sub.add_parser("contract", help="turn a contract on or off")
    contract.add_argument("state", choices=("on", "off"))
    contract.add_argument("org")
    contract.set_defaults(func=_contract)
    invite = sub.add_parser("invite", help="invite someone to file tickets")
    invite.add_argument("email")
    invite.add_argument("--org", help="into this organisation")
    invite.add_argument("--by", help="the inviting operator's e-mail (default: the command line)")
    invite.set_defaults(func=_invite)

    tokens = commands.add_parser("tokens", help="manage REST API tokens")
    tsub = tokens.add_subparsers(dest="tokens_command", required=True)
    create = tsub.add_parser("create", help="create a token acting as an operator")
    create.add_argument("operator_email")
    create.add_argument("--name", default="")
    create.set_defaults(func=_token_create)
    tsub.add_parser("list", help="list tokens").set_defaults(func=_token_list)
    revoke = tsub.add_parser("revoke", help="revoke a token")
    revoke.add_argument("id")
    revoke.set_defaults(func=_token_revoke)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        org = await hd.people.add_organisation(
            args.name,
            contract_active=not args.no_contract,
            max_members=args.max_members,
            max_editors_per_site=args.max_editors_per_site,
        )
        book = AddressBook(store)
        for kind in AddressKind:
            for email in getattr(args, f"{kind}_email"):
                await book.set_org_address(org, kind, email)
        return f"added organisation {org.name} ({org.id})"

    return run_helpdesk(settings, work)


def _address(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        org = await hd.people.organisation(args.org)
        changed = await AddressBook(store).set_org_address(
            org, args.kind, args.email, on=not args.remove
        )
        verb = "removed from" if args.remove else "added to"
        return f"{args.email} {verb if changed else 'unchanged in'} {org.name} ({args.kind})"

    return run_helpdesk(settings, work)


def _domain(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        org = await hd.people.organisation(args.org)
        if args.remove:
            return f"{await hd.domains.remove(org, args.domain)} removed from {org.name}"
        domain, joined = await hd.domains.add(org, args.domain)
        return f"{domain} added to {org.name}; {joined} requester(s) of it joined"

    return run_helpdesk(settings, work)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        table = Table("id", "name", "contract", "members", "max members", "editors/site")
        for org in await hd.people.organisations():
            members = await hd.people.members(org)
            table.add_row(
                org.id, org.name, "on" if org.contract_active else "off", str(len(members)),
                str(org.max_members or "-"), str(org.max_editors_per_site or "-"),
            )  # fmt: skip
        print_table(table, "no organisations yet (chatdesk orgs add NAME)")
        return ""

    return run_helpdesk(settings, work)


def _show(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        org = await hd.people.organisation(args.org)
        contract = "on" if org.contract_active else "off"
        print(f"{org.name} ({org.id}): contract {contract}")
        domains = await hd.domains.of(org)
        print(f"e-mail domains: {', '.join(domains) if domains else 'none'}")
        members = Table("e-mail", "name", "role", "invited")
        for m in await hd.people.members(org):
            members.add_row(m.email, m.name, m.org_role, "yes" if m.invited else "")
        print_table(members, "no members")
        invitations = Table("invited", "on", "expires", "accepted")
        for i in await hd.people.invitations(org):
            accepted = format_ts(i.accepted_at) if i.accepted_at else ""
            invitations.add_row(i.email, format_ts(i.created_at), format_ts(i.expires_at), accepted)
        print_table(invitations, "no invitations")
        addresses = Table("notifications", "e-mail")
        for a in await AddressBook(store).org_addresses(org):
            addresses.add_row(a.kind.value, a.email)
        print_table(addresses, "no notification addresses")
        return ""

    return run_helpdesk(settings, work)


def _member_add(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        org = await hd.people.organisation(args.org)
        role = "admin" if args.admin else "member"
        who = await hd.people.add_member(org, args.email, role=role, name=args.name)
        return f"{who.email} is {'an admin' if args.admin else 'a member'} of {org.name}"

    return run_helpdesk(settings, work)


def _member_remove(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        who = await hd.people.remove_member(args.email)
        return f"{who.email} is in no organisation now"

    return run_helpdesk(settings, work)


def _merge(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        source = await hd.people.organisation(args.org)
        kept = await Customers(hd, AuditTrail(store)).merge(None, source.id, args.into)
        org = kept.organisation
        return f"{source.name} merged into {org.name}: {kept.members} member(s) now"

    return run_helpdesk(settings, work)


def _contract(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        org = await hd.people.set_contract(
            await hd.people.organisation(args.org), args.state == "on"
        )
        return f"{org.name}: contract {'on' if org.contract_active else 'off'}"

    return run_helpdesk(settings, work)


def _invite(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        operator = await active_operator(store, args.by) if args.by else None
        org = await hd.people.organisation(args.org) if args.org else None
        invitation, _ = await hd.people.invite(operator, args.email, org)
        return f"invited {invitation.email} until {format_ts(invitation.expires_at)}"

    return run_helpdesk(settings, work)


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        operator = await active_operator(store, args.operator_email)
        token, secret = await hd.api_tokens.create(operator, name=args.name)
        detail = f"{token.name} ({token.id})"
        await AuditTrail(store).record(None, AuditAction.API_TOKEN_CREATED, operator.email, detail)
        return (
            f"token {token.id} ({token.name}) acts as {operator.email} ({operator.role}).\n"
            f"Its secret, shown only now:\n{secret}"
        )

    return run_helpdesk(settings, work)


def _token_list(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        emails = {o.id: o.email for o in await store.operators.list_operators()}
        table = Table("id", "name", "operator", "created", "last used", "state")
        for t in await hd.api_tokens.list():
            table.add_row(
                t.id, t.name, emails.get(t.operator_id, t.operator_id), format_ts(t.created_at),
                format_ts(t.last_used_at) if t.last_used_at else "never",
                "revoked" if t.revoked_at else "active",
            )  # fmt: skip
        print_table(table, "no API tokens (chatdesk tokens create OPERATOR_EMAIL)")
        return ""

    return run_helpdesk(settings, work)


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        await hd.api_tokens.revoke(args.id)
        await AuditTrail(store).record(None, AuditAction.API_TOKEN_REVOKED, f"token {args.id}")
        return f"token {args.id} is revoked"

    return run_helpdesk(settings, work)


async def active_operator(store: Store, email: str) -> Operator:
    """Return the active operator with this e-mail. :raises NotFound:."""
    found = await store.operators.operator_credentials(normalize_email(email))
    if found is None or found[0].disabled:
        raise NotFound(f"no active operator {email!r}")
    return found[0]


def print_table(table: Table, empty: str) -> None:
    """Print ``table`` to standard output, or ``empty`` when it has no rows."""
    if table.row_count == 0:
        print(empty)
        return
    # Piped output (scripts, grep) gets whole lines, not ellipses.
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)


def run_helpdesk(settings: Settings, work: Work) -> int:
    """Run ``work`` on the helpdesk's services and the opened store; print what it
    returns, or the refusal (exit status 1)."""
    config = load_desk_config(settings.config_file)

    def helpdesk(store: Store, secret_key: str) -> Awaitable[str]:
        return work(build_helpdesk(store, config, secret_key), store)

    return run_on_store(settings, helpdesk)


def run_on_store(settings: Settings, work: Callable[[Store, str], Awaitable[str]]) -> int:
    """Open the store, run ``work`` on it (with the desk's secret key, generated if need
    be), close it; print what ``work`` returns, or the refusal (exit status 1)."""
    settings = settings.with_secret()

    async def main() -> str:
        store = create_store(settings)
        await store.open()
        try:
            return await work(store, settings.secret_key)
        finally:
            await store.close()

    try:
        message = asyncio.run(main())
    except ChatdeskError as exc:
        print(f"chatdesk: {exc.message}", file=sys.stderr)
        return 1
    if message:
        print(message)
    return 0
