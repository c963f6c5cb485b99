"""Files in chat: ``POST /widget/files`` (the widget, from the site it is on) and the
visitor's signed downloads ``GET /widget/files/<id>?sig=…`` (docs/protocol.md)."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from ..errors import ChatdeskError, Forbidden, InvalidPayload, InvalidToken, RateLimited
from ..wire import encode
from .appkeys import EVENTS, SERVICES, SETTINGS
from .public import site_origin
from .supportupload import read_posted

__all__ = ["setup"]

#: Longest client id (as the socket's messages).
_MAX_CLIENT_ID = 100


def _cors(request: web.Request) -> dict[str, str]:
    """Return the CORS headers for the request's origin, or refuse it.

    :raises Forbidden: ``origin_not_allowed``: a browser page on a site the desk does not
        list in ``CHATDESK_ALLOWED_ORIGINS`` (as the visitor's socket).
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return {}  # not a browser's cross-site request
    allowed = {o.rstrip("/") for o in request.app[SETTINGS].allowed_origins}
    own = {f"{request.scheme}://{request.host}", site_origin(request)}
    if "*" not in allowed and origin not in allowed and origin not in own:
        raise Forbidden("this site may not send files to the desk", code="origin_not_allowed")
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Authorization",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def _error(exc: ChatdeskError, headers: dict[str, str]) -> web.Response:
    return web.json_response({"error": exc.to_payload()}, status=exc.status, headers=headers)


async def preflight(request: web.Request) -> web.Response:
    """Answer the browser's CORS preflight of an upload (204, or 403 for other sites)."""
    try:
        return web.Response(status=204, headers=_cors(request))
    except ChatdeskError as exc:
        return _error(exc, {})


async def upload(request: web.Request) -> web.Response:
    """Store a file the visitor sends in chat; 201 with the message, as every tab gets it."""
    headers: dict[str, str] = {}
    services = request.app[SERVICES]
    try:
        headers = _cors(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("send the visitor's token as Authorization: Bearer <token>")
        sender = await services.chatfiles.sender(token.strip())
        # Many tabs must not multiply the visitor's allowance: the socket's shared count.
        if not services.flood.allow(sender.visitor_id):
            raise RateLimited("you are sending too fast; wait a moment")
        limits = services.chatfiles.limits
        posted = await read_posted(request, max_file=limits.max_file, max_total=limits.max_file)
        client_id = posted.values.get("client_id", "")
        if not 0 < len(client_id) <= _MAX_CLIENT_ID:
            raise InvalidPayload("client_id: 1 to 100 characters", code="invalid_client_id")
        if len(posted.files) != 1:
            raise InvalidPayload("send one file, as the part 'file'", code="one_file")
        [file] = posted.files
        message, events = await services.chatfiles.attach(
            sender, client_id=client_id, filename=file.filename, data=file.data
        )
    except ChatdeskError as exc:
        return _error(exc, headers)
    await request.app[EVENTS].publish(events)
    payload = {"message": services.chatfiles.links.for_visitor(message.to_payload())}
    return web.Response(
        body=encode(payload), status=201, content_type="application/json", headers=headers
    )


async def download(request: web.Request) -> web.Response:
    """Serve a chat file to the holder of its signed link, as a download."""
    try:
        attachment, data = await request.app[SERVICES].chatfiles.download(
            request.match_info["file_id"], request.query.get("sig", "")
        )
    except ChatdeskError as exc:
        return _error(exc, {})
    name = quote(attachment.filename, safe="")
    return web.Response(
        body=data,
        content_type=attachment.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        },
    )


def setup(app: web.Application) -> None:
    """Add the chat files' routes."""
    app.router.add_route("OPTIONS", "/widget/files", preflight)
    app.router.add_post("/widget/files", upload)
    app.router.add_get("/widget/files/{file_id}", download)
