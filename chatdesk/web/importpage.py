"""``/console/requesters/import`` (admins): requesters imported from a CSV file uploaded
in the browser (1 MB, the console's request limit; larger files with ``chatdesk
requesters import``), checked first, with a dry run; what it did, or each mistake as
``file:line``, shown on the page. ``/console/requesters.csv`` (admins): the directory
(its search and organisation) downloaded in the same columns, on the audit log."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import msgspec
from aiohttp import web

from ..errors import ChatdeskError, Forbidden
from ..helpdesk.importing import export_row, read_rows
from ..wire.forms import RequestersQuery
from ..wire.importrows import COLUMNS
from .adminpages import admin_page
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .reports import csv_download

__all__ = ["setup"]

_TEMPLATE = "console/requester_import.html"


@login_required
async def import_page(request: web.Request) -> web.StreamResponse:
    """The form."""
    context = await admin_page(request, _TEMPLATE)
    if isinstance(context, web.Response):
        return context
    context |= {"columns": COLUMNS, "view": "requesters"}
    return aiohttp_jinja2.render_template(_TEMPLATE, request, context)


@login_required
async def import_file(request: web.Request) -> web.StreamResponse:
    """Import the file posted; the page says what was done, or what to correct (400)."""
    context = await admin_page(request, _TEMPLATE)
    if isinstance(context, web.Response):
        return context
    context |= {"columns": COLUMNS, "view": "requesters"}
    try:
        posted = await request.post()
    except web.HTTPRequestEntityTooLarge:
        return _said(request, context, problem="import_too_large")
    check_csrf(request[SESSION].csrf, posted.get("csrf"))
    upload = posted.get("file")
    if not isinstance(upload, web.FileField):
        return _said(request, context, problem="import_no_file")
    try:
        text = upload.file.read().decode("utf-8")
    except UnicodeDecodeError:
        return _said(request, context, problem="import_not_text")
    dry_run, create_orgs = posted.get("dry_run") == "on", posted.get("create_orgs") == "on"
    context |= {"dry_run": dry_run, "create_orgs": create_orgs}
    name = (upload.filename or "file.csv").replace("\n", " ")[:100]
    try:
        rows = read_rows(text, name)
        report = await request.app[SERVICES].helpdesk.importing.run(
            rows, create_orgs=create_orgs, dry_run=dry_run
        )
    except ChatdeskError as exc:
        return _said(request, context, mistakes=exc.message.splitlines())
    return aiohttp_jinja2.render_template(_TEMPLATE, request, context | {"report": report})


@login_required
async def directory_csv(request: web.Request) -> web.StreamResponse:
    """The directory (``q``, ``org``, ``sort`` as its page takes them) as CSV in the
    import's columns; 403 for other operators."""
    try:
        wanted = msgspec.convert(dict(request.query), RequestersQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise web.HTTPBadRequest(text=f"requesters: {exc}"[:300]) from None
    try:
        found = await request.app[SERVICES].privacy.export_directory(
            request[SESSION].operator, q=wanted.q, organisation=wanted.org or None,
            sort=wanted.sort,
        )  # fmt: skip
    except Forbidden:
        raise web.HTTPForbidden(text="Only admins export the requesters.") from None
    except ChatdeskError as exc:
        raise web.HTTPBadRequest(text=exc.message) from None
    return csv_download("requesters.csv", [COLUMNS, *map(export_row, found)])


def _said(
    request: web.Request,
    context: dict[str, Any],
    *,
    problem: str = "",
    mistakes: list[str] | None = None,
) -> web.Response:
    context |= {"problem": problem, "mistakes": mistakes or []}
    return aiohttp_jinja2.render_template(_TEMPLATE, request, context, status=400)


def setup(app: web.Application) -> None:
    """Add the page's routes (before a requester's page, ``/console/requesters/<id>``)."""
    app.router.add_get("/console/requesters.csv", directory_csv)
    app.router.add_get("/console/requesters/import", import_page)
    app.router.add_post("/console/requesters/import", import_file)
