"""The console's webhooks page (``/console/webhooks``, admins): the endpoints of
chatdesk.toml with what waits for each, a test ping, and the deliveries given up on."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import ChatdeskError, NotFound
from ..wire.admin import HookPingForm, HookRetryForm
from .adminpages import PageError, admin_page, read_admin_form, render_admin
from .appkeys import SERVICES
from .auth import SESSION, login_required

__all__ = ["setup"]

_PAGE = "console/webhooks.html"
_FORMS: dict[str, type[Any]] = {"retry": HookRetryForm, "ping": HookPingForm}


@login_required
async def webhooks_page(request: web.Request) -> web.StreamResponse:
    """The endpoints, failures; a retry or a ping posted back to the page."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    hooks = request.app[SERVICES].webhooks
    error: PageError | None = None
    if request.method == "POST":
        try:
            form = await read_admin_form(request, _FORMS)
            if isinstance(form, HookRetryForm):
                await hooks.retry(request[SESSION].operator, form.id)
                raise web.HTTPSeeOther("/console/webhooks?retried=1")
            context["pinged"] = await _ping(hooks, form.name, context["t"])
        except PageError as exc:
            error = exc
        except NotFound:
            error = PageError("hooks_not_found")
        except ChatdeskError as exc:
            error = PageError.of(exc)
    failures = await hooks.failures()
    context |= {
        "endpoints": await hooks.overview(),
        "failures": failures,
        "labels": await hooks.ticket_labels(failures),
        "retried": request.query.get("retried") == "1" and error is None,
    }
    return render_admin(request, _PAGE, context, error)


async def _ping(hooks: Any, name: str, t: Any) -> tuple[bool, str]:
    """Post a ping; return (answered 2xx, the sentence that says how it went)."""
    try:
        endpoint = hooks.endpoint(name)
    except NotFound:
        raise PageError("err_form") from None
    try:
        status = await hooks.ping(endpoint)
    except OSError as exc:
        return False, t("hooks_ping_unreached", value=f"{endpoint.name}: {exc}")
    ok = 200 <= status < 300
    return ok, t(
        "hooks_ping_ok" if ok else "hooks_ping_refused", value=f"{endpoint.name}: {status}"
    )


def setup(app: web.Application) -> None:
    """Add the webhooks page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/webhooks", webhooks_page)
    app.router.add_post("/console/webhooks", webhooks_page)
