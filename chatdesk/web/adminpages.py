"""What the console's admin pages share: the admin check, reading a form into its wire
struct, and an error shown on the page in the operator's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import aiohttp_jinja2
import msgspec
from aiohttp import web

from ..errors import ChatdeskError
from ..wire import decode
from .admintexts import error_key
from .auth import SESSION, check_csrf
from .console import base_context

__all__ = ["PageError", "admin_page", "read_admin_form", "render_admin"]

T = TypeVar("T", bound=msgspec.Struct)


class PageError(Exception):
    """A refusal shown on the page (400): the text's key and the value it names."""

    def __init__(self, key: str, value: object = "") -> None:
        super().__init__(key)
        self.key = key
        self.value = value

    @classmethod
    def of(cls, exc: ChatdeskError, value: object = "") -> PageError:
        """Return the page's error for a service's ``exc``."""
        return cls(error_key(exc.code), value)


async def admin_page(request: web.Request, template: str) -> dict[str, Any] | web.Response:
    """Return the page's context, or the 403 page when the operator is not an admin."""
    context = await base_context(request) | {"view": None, "error": "", "done": ""}
    if not request[SESSION].operator.is_admin:
        context["denied"] = True
        return aiohttp_jinja2.render_template(template, request, context, status=403)
    return context


async def read_admin_form(
    request: web.Request, kinds: dict[str, type[Any]], *, lists: Sequence[str] = ()
) -> Any:
    """Check the CSRF token, then return the posted form as the struct its ``action``
    names in ``kinds`` (``""``: no action field); fields in ``lists`` may repeat.

    :raises PageError: ``err_form`` when it does not fit.
    """
    posted = await request.post()
    check_csrf(request[SESSION].csrf, posted.get("csrf"))
    data: dict[str, Any] = {key: posted.get(key) for key in posted if key not in lists}
    for key in lists:
        if key in posted:
            data[key] = [v for v in posted.getall(key) if isinstance(v, str)]
    action = data.get("action", "")
    kind = kinds.get(action if isinstance(action, str) else "")
    if kind is None:
        raise PageError("err_form")
    try:
        return decode(kind, data, request.path)
    except ChatdeskError:
        raise PageError("err_form") from None


def render_admin(
    request: web.Request, template: str, context: dict[str, Any], error: PageError | None
) -> web.Response:
    """Render an admin page, with ``error`` shown (400) when there is one."""
    if error is not None:
        context["error"] = context["t"](error.key, value=error.value)
    status = 400 if error is not None else 200
    return aiohttp_jinja2.render_template(template, request, context, status=status)
