"""``chatdesk operators away EMAIL --back-on DAY [--replacement EMAIL]`` and ``chatdesk
operators back EMAIL``: an operator out of office (their mail to a colleague), or back."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time

from ..audit import AuditTrail
from ..config import Settings
from ..deskconfig import load_desk_config
from ..errors import NotFound
from ..helpdesk import OutOfOffice
from ..models import AuditAction, Operator
from ..operators import normalize_email
from ..store import Store
from .orgs import run_on_store

__all__ = ["add_away_parsers"]


def add_away_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``away`` and ``back`` to ``chatdesk operators``."""
    away = sub.add_parser(
        "away",
        help="set an operator out of office until the day they are back (their mail goes "
        "to --replacement; the desk's rules give them no ticket)",
    )
    away.add_argument("email")
    away.add_argument(
        "--back-on", required=True, type=date.fromisoformat, help="YYYY-MM-DD, the desk's day"
    )
    away.add_argument("--replacement", help="the colleague who gets their mail (an e-mail)")
    away.set_defaults(func=_away)
    back = sub.add_parser("back", help="end an operator's out of office now")
    back.add_argument("email")
    back.set_defaults(func=_back)


async def _operator(store: Store, email: str) -> Operator:
    found = await store.operators.operator_credentials(normalize_email(email))
    if found is None:
        raise NotFound(f"no operator with e-mail {email}")
    return found[0]


def _away(args: argparse.Namespace, settings: Settings) -> int:
    zone = load_desk_config(settings.config_file).hours.timezone
    until = datetime.combine(args.back_on, time(0), tzinfo=zone).astimezone(UTC)

    async def work(store: Store, secret_key: str) -> str:
        operator = await _operator(store, args.email)
        replacement = await _operator(store, args.replacement) if args.replacement else None
        await OutOfOffice(store).set(operator, until, replacement.id if replacement else None)
        mail = f"; {replacement.email} gets their mail" if replacement else ""
        detail = f"back on {args.back_on.isoformat()}" + (
            f", replaced by {replacement.email}" if replacement else ""
        )
        await AuditTrail(store).record(None, AuditAction.OPERATOR_AWAY, operator.email, detail)
        return f"{operator.email} is out of office, back on {args.back_on.isoformat()}{mail}"

    return run_on_store(settings, work)


def _back(args: argparse.Namespace, settings: Settings) -> int:
    async def work(store: Store, secret_key: str) -> str:
        operator = await OutOfOffice(store).back(await _operator(store, args.email))
        await AuditTrail(store).record(None, AuditAction.OPERATOR_BACK, operator.email)
        return f"{operator.email} is back"

    return run_on_store(settings, work)
