"""The REST API's operator accounts (admins): listed with when each last used the
console, and disabled or enabled again, as the console's Operators page and ``chatdesk
operators`` do, on the audit log. An identity provider or an HR script ends a leaver's
access the day they leave."""

from __future__ import annotations

from aiohttp import web
from msgspec import UnsetType

from ..models import Operator, format_ts
from ..wire.api import ApiOperatorPatchIn
from ..wire.apiout import ApiOperator, ApiOperatorList
from .apigate import API_PREFIX, OPERATOR, read_json, reply
from .appkeys import SERVICES
from .openapi import Endpoint

__all__ = ["OPERATOR_ENDPOINTS", "list_operators", "patch_operator"]


async def list_operators(request: web.Request) -> web.StreamResponse:
    """Every operator account, by name: role, departments, languages, whether it is
    disabled, has two-step sign-in, is away, and when it last used the console. Admins only
    (`403` for other operators' tokens)."""
    operators = await request.app[SERVICES].operator_admin.accounts(request[OPERATOR])
    return reply(ApiOperatorList([_out(o) for o in operators]))


async def patch_operator(request: web.Request) -> web.StreamResponse:
    """Disable an account (its sessions and open consoles end at once) or enable it again;
    `"end_sessions": true` signs it out everywhere (a lost laptop; an identity provider's
    "clear sessions"), its password and API tokens kept. Admins only. `404
    unknown_operator`; `409 own_account` (the token's own account), `own_sessions`, or
    `last_admin` (the desk keeps an active admin). Answers the account after."""
    body = await read_json(request, ApiOperatorPatchIn)
    admin, actor = request.app[SERVICES].operator_admin, request[OPERATOR]
    account = await admin.account(actor, request.match_info["operator_id"])
    if body.end_sessions:
        account = await admin.end_sessions(actor, account.email)
    if not isinstance(body.disabled, UnsetType) and body.disabled != account.disabled:
        account = await admin.set_disabled(actor, account.email, body.disabled)
    return reply(_out(account))


def _out(o: Operator) -> ApiOperator:
    return ApiOperator(
        id=o.id,
        email=o.email,
        name=o.name,
        role=o.role.value,
        departments=list(o.departments),
        languages=list(o.languages),  # type: ignore[arg-type]
        capacity=o.capacity,
        disabled=o.disabled,
        two_factor=o.two_factor,
        away_until=format_ts(o.away_until) if o.away_until else None,
        last_seen_at=format_ts(o.last_seen_at) if o.last_seen_at else None,
        created_at=format_ts(o.created_at) if o.created_at else None,
        invited_at=format_ts(o.invited_at) if o.invited_at else None,
    )


_OPERATOR = f"{API_PREFIX}/operators/{{operator_id}}"
#: The routes of this module, in the API's table (web/api.py).
OPERATOR_ENDPOINTS = (
    Endpoint("GET", f"{API_PREFIX}/operators", list_operators, "listOperators",
             "The operator accounts (admins)", response=ApiOperatorList, errors=(403,)),
    Endpoint("PATCH", _OPERATOR, patch_operator, "updateOperator",
             "Disable or enable an operator account, or sign it out everywhere (admins)",
             response=ApiOperator,
             body=ApiOperatorPatchIn, errors=(403, 404, 409)),
)  # fmt: skip
