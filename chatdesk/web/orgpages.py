"""The console's organisation pages (admins): ``/console/orgs`` lists and creates them,
``/console/orgs/{id}`` manages one's members, site seats, invitations, contract, caps and
notification addresses, through the services the ``chatdesk orgs`` command uses."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from ..errors import ChatdeskError
from ..helpdesk.people import INVITATION_DAYS
from ..models import Organisation, utcnow
from ..models.mail import AddressKind
from ..services import Services
from ..wire.admin import (
    OrgAddressForm,
    OrgCapsForm,
    OrgContractForm,
    OrgCreateForm,
    OrgDomainForm,
    OrgInviteForm,
    OrgMemberAddForm,
    OrgMemberRemoveForm,
    OrgMergeForm,
    OrgNoteForm,
    OrgSeatReleaseForm,
)
from .adminpages import PageError, admin_page, read_admin_form, render_admin
from .appkeys import EVENTS, SERVICES
from .auth import SESSION, login_required

__all__ = ["setup"]

_LIST = "console/orgs.html"
_ONE = "console/org.html"
_ACTIONS: dict[str, type[Any]] = {
    "add_member": OrgMemberAddForm,
    "remove_member": OrgMemberRemoveForm,
    "release_seat": OrgSeatReleaseForm,
    "invite": OrgInviteForm,
    "contract": OrgContractForm,
    "caps": OrgCapsForm,
    "address": OrgAddressForm,
    "domain": OrgDomainForm,
    "note": OrgNoteForm,
    "merge": OrgMergeForm,
}


@login_required
async def orgs_page(request: web.Request) -> web.StreamResponse:
    """Every organisation (name, contract, members, seat caps) and the form creating one."""
    context = await admin_page(request, _LIST)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    error: PageError | None = None
    if request.method == "POST":
        try:
            form = await read_admin_form(request, {"": OrgCreateForm})
            org = await _create(services, form)
        except PageError as exc:
            error = exc
        else:
            raise web.HTTPSeeOther(f"/console/orgs/{org.id}?done=1")
    people, domains = services.helpdesk.people, services.helpdesk.domains
    rows = [
        (org, len(await people.members(org)), await domains.of(org))
        for org in await people.organisations()
    ]
    context |= {"orgs": rows}
    return render_admin(request, _LIST, context, error)


@login_required
async def org_page(request: web.Request) -> web.StreamResponse:
    """One organisation: members, site seats, pending invitations, contract, caps,
    addresses."""
    context = await admin_page(request, _ONE)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    try:
        org = await services.helpdesk.people.organisation(request.match_info["org_id"])
    except ChatdeskError:
        context |= {"orgs": [], "error": context["t"]("err_unknown_org")}
        return aiohttp_jinja2.render_template(_LIST, request, context, status=404)
    error: PageError | None = None
    if request.method == "POST":
        try:
            form = await read_admin_form(request, _ACTIONS)
            if isinstance(form, OrgMergeForm):
                # The organisation kept is the page to see now (this one is gone).
                kept = await _merge(request, services, org, form.into)
                raise web.HTTPSeeOther(f"/console/orgs/{kept.id}?merged=1")
            joined = await _change(request, services, org, form)
        except PageError as exc:
            error = exc
        else:
            said = f"&joined={joined}" if joined else ""
            raise web.HTTPSeeOther(f"/console/orgs/{org.id}?done=1{said}")
        org = await services.helpdesk.people.organisation(org.id)
    now = utcnow()
    members = await services.helpdesk.people.members(org)
    # Who sent each: an operator, the command line, or one of the organisation's admins.
    senders = {o.id: o.name for o in await services.helpdesk.console.assignees()}
    senders |= {f"requester:{m.id}": m.name or m.email for m in members}
    invitations = [
        (i, senders.get(i.invited_by, "chatdesk orgs invite" if i.invited_by == "cli" else "—"))
        for i in await services.helpdesk.people.invitations(org)
        if i.accepted_at is None and i.expires_at > now
    ]
    context |= {
        "org": org,
        "members": members,
        "seats": await services.helpdesk.people.seats(org),
        "invitations": invitations,
        "addresses": await services.mail.addresses.org_addresses(org),
        "kinds": [k.value for k in AddressKind],
        "invitation_days": INVITATION_DAYS,
        "domains": await services.helpdesk.domains.of(org),
        "done": request.query.get("done") == "1" and error is None,
        "merged": request.query.get("merged") == "1" and error is None,
        # Where it may be merged: the others, by name (a datalist; any name is typed).
        "others": [
            o.name for o in await services.helpdesk.people.organisations() if o.id != org.id
        ],
        # Said only when a domain was just added (0 included): a count, no claim.
        "joined": request.query.get("joined", "")[:6] if error is None else "",
    }
    return render_admin(request, _ONE, context, error)


async def _create(services: Services, form: OrgCreateForm) -> Organisation:
    try:
        return await services.helpdesk.people.add_organisation(
            form.name,
            contract_active=form.contract == "on",
            max_members=_cap(form.max_members, unset=None),
            max_editors_per_site=_cap(form.max_editors_per_site, unset=None),
        )
    except ChatdeskError as exc:
        raise PageError.of(exc, form.name) from None


async def _change(request: web.Request, services: Services, org: Organisation, form: Any) -> str:
    """Do what ``form`` asks of ``org`` (the same service calls as ``chatdesk orgs``);
    return how many requesters joined by a domain just added ("" for other acts)."""
    people = services.helpdesk.people
    value: object = getattr(form, "email", "")
    try:
        if isinstance(form, OrgDomainForm):
            value = form.domain.strip()[:80]
            if form.remove == "1":
                await services.helpdesk.domains.remove(org, form.domain)
                return ""
            _, joined = await services.helpdesk.domains.add(org, form.domain)
            return str(joined)
        if isinstance(form, OrgMemberAddForm):
            value = org.max_members or ""
            await people.add_member(org, form.email, role=form.role, name=form.name)
        elif isinstance(form, OrgMemberRemoveForm):
            await _remove_member(services, org, form.email)
        elif isinstance(form, OrgSeatReleaseForm):
            await people.release_seat(org, form.site, form.email)
        elif isinstance(form, OrgInviteForm):
            _, events = await people.invite(request[SESSION].operator, form.email, org)
            await request.app[EVENTS].publish(events)
        elif isinstance(form, OrgNoteForm):
            await people.set_org_note(org, form.note)
        elif isinstance(form, OrgContractForm):
            await people.set_contract(org, form.state == "on")
        elif isinstance(form, OrgCapsForm):
            await people.set_caps(
                org,
                max_members=_cap(form.max_members, unset=0),
                max_editors_per_site=_cap(form.max_editors_per_site, unset=0),
            )
        else:
            assert isinstance(form, OrgAddressForm)
            await services.mail.addresses.set_org_address(
                org, form.kind, form.email, on=form.remove != "1"
            )
    except ChatdeskError as exc:
        if exc.code == "invalid_email":
            value = getattr(form, "email", "")
        raise PageError.of(exc, value) from None
    return ""


async def _merge(
    request: web.Request, services: Services, org: Organisation, into: str
) -> Organisation:
    try:
        kept = await services.customers.merge(request[SESSION].operator, org.id, into.strip())
    except ChatdeskError as exc:
        raise PageError.of(exc, into.strip()[:100]) from None
    return kept.organisation


async def _remove_member(services: Services, org: Organisation, email: str) -> None:
    # Only this organisation's members: a stale page must not take someone out of another.
    members = await services.helpdesk.people.members(org)
    if email.strip().lower() not in {m.email for m in members}:
        raise PageError("err_unknown_requester")
    await services.helpdesk.people.remove_member(email)


def _cap(text: str, *, unset: int | None) -> int | None:
    """Return a cap typed in a number box: ``unset`` when empty."""
    text = text.strip()
    return int(text) if text else unset


def setup(app: web.Application) -> None:
    """Add the organisation pages (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/orgs", orgs_page)
    app.router.add_route("*", "/console/orgs/{org_id}", org_page)
