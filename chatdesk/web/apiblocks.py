"""The REST API's block list (admins): the senders the desk takes nothing from, listed,
added and removed as the console's page and ``chatdesk blocked`` do, on the audit log."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from ..models import BlockedSender, format_ts
from ..wire.api import ApiBlockIn
from ..wire.apiout import ApiBlocked, ApiBlockedList
from .apigate import API_PREFIX, OPERATOR, read_json, reply
from .appkeys import SERVICES
from .openapi import Endpoint

__all__ = ["BLOCK_ENDPOINTS", "block_sender", "list_blocked", "unblock_sender"]


async def list_blocked(request: web.Request) -> web.StreamResponse:
    """Every blocked address and domain, by pattern, with who added it, why, and how many
    times it stopped something (mail dropped, a form or a sign-in refused). Admins only
    (`403` for other operators' tokens)."""
    entries = await request.app[SERVICES].spam.entries(request[OPERATOR])
    return reply(ApiBlockedList([_out(e) for e in entries]))


async def block_sender(request: web.Request) -> web.StreamResponse:
    """Block an address, or a domain and its subdomains (`example.com`, `@example.com` or
    `*@example.com`): their mail is dropped, the form, the chat's offline form and the
    portal refuse them. Admins only. `400 invalid_pattern` for anything else, `409
    already_blocked`. Answers the entry, with its `Location`."""
    body = await read_json(request, ApiBlockIn)
    entry = await request.app[SERVICES].spam.block(request[OPERATOR], body.pattern, body.note)
    location = f"{API_PREFIX}/blocked/{quote(entry.pattern, safe='@')}"
    return reply(_out(entry), 201, headers={"Location": location})


async def unblock_sender(request: web.Request) -> web.StreamResponse:
    """Take an address or a domain off the block list (as typed when it was added, or
    as the list writes it). Admins only. `404 not_blocked`."""
    await request.app[SERVICES].spam.unblock(request[OPERATOR], request.match_info["pattern"])
    return web.Response(status=204)


def _out(entry: BlockedSender) -> ApiBlocked:
    return ApiBlocked(
        pattern=entry.pattern,
        domain=entry.domain,
        note=entry.note,
        created_by=entry.created_by,
        created_at=format_ts(entry.created_at),
        hits=entry.hits,
        last_hit=format_ts(entry.last_hit) if entry.last_hit else None,
    )


#: The routes of this module, in the API's table (web/api.py).
BLOCK_ENDPOINTS = (
    Endpoint("GET", f"{API_PREFIX}/blocked", list_blocked, "listBlocked",
             "The block list (admins)", response=ApiBlockedList, errors=(403,)),
    Endpoint("POST", f"{API_PREFIX}/blocked", block_sender, "blockSender",
             "Block an address or a domain (admins)", status=201, response=ApiBlocked,
             body=ApiBlockIn, errors=(403, 409), headers=("Location",)),
    Endpoint("DELETE", f"{API_PREFIX}/blocked/{{pattern}}", unblock_sender, "unblockSender",
             "Unblock an address or a domain (admins)", status=204, errors=(400, 403, 404)),
)  # fmt: skip
