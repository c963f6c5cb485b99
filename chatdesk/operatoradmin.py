"""Admins manage operator accounts from the console: add one, change their details, disable
or enable them, give them a new password, set them out of office; the desk always keeps an
active admin."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from .audit import AuditTrail
from .errors import Conflict, Forbidden, NotFound
from .helpdesk.away import OutOfOffice
from .models import AuditAction, Operator, Role
from .operators import OperatorService, normalize_email

__all__ = ["OperatorAdmin"]

log = logging.getLogger(__name__)

_UTC = ZoneInfo("UTC")


class OperatorAdmin:
    """What an admin does to operator accounts (``chatdesk operators`` for the console).

    Every method takes the acting operator and refuses non-admins (``Forbidden``); a change
    that would leave the desk without an active admin is refused (``Conflict`` code
    ``last_admin``), and so is disabling one's own account (``own_account``).
    """

    def __init__(
        self,
        operators: OperatorService,
        audit: AuditTrail,
        away: OutOfOffice | None = None,
        *,
        zone: ZoneInfo = _UTC,
    ) -> None:
        self.operators = operators
        self.audit = audit
        self.away = away
        #: Mails a new account's operator a link to choose their first password
        #: (``invite(operator, by=admin)``; None: the desk sends no e-mail).
        self.invite: Callable[..., Awaitable[None]] | None = None
        #: Mails an operator a link to choose a new password (``send_link(operator,
        #: by=admin)``; None: the desk sends no e-mail).
        self.send_link: Callable[..., Awaitable[None]] | None = None
        #: The desk's time zone: the day someone is back, as the admin chose it.
        self.zone = zone

    async def add(
        self,
        actor: Operator,
        email: str,
        *,
        name: str,
        role: str,
        departments: Iterable[str],
        languages: Iterable[str],
        password: str | None,
        capacity: int | None = None,
    ) -> Operator:
        """Create an operator with a first password (they change it on their account page),
        or None: they sign in through single sign-on only, or, without it, the desk mails
        them an invitation to choose their password (:attr:`invite`).

        :raises Conflict: ``operator_exists`` when the e-mail has an account.
        """
        _admin(actor)
        invited = password is None and not self.operators.sso and self.invite is not None
        if invited:
            password = secrets.token_urlsafe(32)  # nobody knows it: the link sets theirs
        added = await self.operators.add(
            email, name=name, role=role, departments=departments, languages=languages,
            password=password, capacity=capacity,
        )  # fmt: skip
        log.info("admin %s added operator %s (%s)", actor.email, added.email, added.role)
        detail = f"{added.role}, invited by e-mail" if invited else added.role
        await self.audit.record(actor, AuditAction.OPERATOR_ADDED, added.email, detail)
        if invited and self.invite is not None:
            await self.invite(added, by=actor)
        return added

    async def edit(
        self,
        actor: Operator,
        email: str,
        *,
        name: str,
        role: str,
        departments: Iterable[str],
        languages: Iterable[str],
        capacity: int | None,
    ) -> Operator:
        """Change an operator's name, role, departments, languages and capacity."""
        _admin(actor)
        departments, languages = tuple(departments), tuple(languages)
        self.operators.check(
            name=name, role=role, departments=departments, languages=languages,
            capacity=capacity,
        )  # fmt: skip
        before = await self._get(email)
        if before.is_admin and role != Role.ADMIN.value:
            await self._keep_an_admin(before)
        edited = await self.operators.store.operators.edit_operator(
            replace(
                before, name=name.strip(), role=Role(role), departments=departments,
                languages=languages, capacity=capacity,
            )
        )  # fmt: skip
        log.info("admin %s edited operator %s", actor.email, edited.email)
        changes = _changes(before, edited)
        if changes:
            await self.audit.record(actor, AuditAction.OPERATOR_EDITED, edited.email, changes)
        return edited

    async def accounts(self, actor: Operator) -> list[Operator]:
        """Return every operator account, by name (admins)."""
        _admin(actor)
        return await self.operators.list()

    async def account(self, actor: Operator, operator_id: str) -> Operator:
        """Return one account by id (admins). :raises NotFound: ``unknown_operator``."""
        _admin(actor)
        found = await self.operators.get(operator_id)
        if found is None:
            raise NotFound(f"no operator {operator_id[:100]!r}", code="unknown_operator")
        return found

    async def set_disabled(self, actor: Operator, email: str, disabled: bool) -> Operator:
        """Disable (ends their sessions) or enable an operator."""
        _admin(actor)
        target = await self._get(email)
        if disabled and target.id == actor.id:
            raise Conflict("you cannot disable your own account", code="own_account")
        if disabled and target.is_admin and not target.disabled:
            await self._keep_an_admin(target)
        changed = await self.operators.set_disabled(target.email, disabled)
        log.info("admin %s %s operator %s", actor.email,
                 "disabled" if disabled else "enabled", changed.email)  # fmt: skip
        action = AuditAction.OPERATOR_DISABLED if disabled else AuditAction.OPERATOR_ENABLED
        await self.audit.record(actor, action, changed.email)
        return changed

    async def send_password_link(self, actor: Operator, email: str) -> Operator:
        """Mail an operator a link to choose a new password (the admin never knows it; the
        current one works until then); to one invited who never used the account, the
        invitation again (a new link for 7 days). Return the operator as it was.

        :raises Conflict: ``unavailable`` (no e-mail here), ``operator_disabled``.
        """
        _admin(actor)
        target = await self._get(email)
        if self.send_link is None:
            raise Conflict("this desk sends no e-mail", code="unavailable")
        if target.disabled:
            raise Conflict("the account is disabled: enable it first", code="operator_disabled")
        if target.invited_at is not None and self.invite is not None:
            await self.invite(target, by=actor)
            log.info("admin %s invited %s again", actor.email, target.email)
            return target
        await self.send_link(target, by=actor)
        log.info("admin %s sent %s a link to choose a new password", actor.email, target.email)
        return target

    async def end_sessions(self, actor: Operator, email: str) -> Operator:
        """Sign an operator out everywhere (a lost or stolen laptop): every session ends,
        open consoles within a minute; their password stays. Not one's own account (the
        account page's "sign out my other sessions" keeps this browser)."""
        _admin(actor)
        target = await self._get(email)
        if target.id == actor.id:
            raise Conflict("sign your other sessions out on your account page", code="own_sessions")
        changed = await self.operators.end_sessions(target.email)
        log.warning("admin %s signed %s out everywhere", actor.email, changed.email)
        await self.audit.record(actor, AuditAction.SESSIONS_ENDED, changed.email)
        return changed

    async def set_password(self, actor: Operator, email: str, password: str) -> Operator:
        """Give an operator a new password (ends their sessions)."""
        _admin(actor)
        target = await self._get(email)
        changed = await self.operators.set_password(target.email, password)
        log.info("admin %s set a new password for %s", actor.email, changed.email)
        await self.audit.record(actor, AuditAction.PASSWORD_SET, changed.email)
        return changed

    async def reset_two_factor(self, actor: Operator, email: str) -> Operator:
        """Turn an operator's two-step sign-in off, so that they sign in with their password
        and set it up again (ends their sessions)."""
        _admin(actor)
        target = await self._get(email)
        changed = await self.operators.reset_two_factor(target.email)
        log.warning("admin %s turned two-step sign-in off for %s", actor.email, changed.email)
        await self.audit.record(actor, AuditAction.TWO_FACTOR_RESET, changed.email)
        return changed

    async def set_away(
        self, actor: Operator, email: str, until: datetime | None, replacement_id: str | None
    ) -> Operator:
        """Set a colleague out of office until ``until`` (their mail to ``replacement_id``
        meanwhile), or back now (``until`` None): on the audit log, as who decided it.

        :raises InvalidPayload: see :meth:`OutOfOffice.set`.
        """
        _admin(actor)
        assert self.away is not None, "wired by Services.operator_admin"
        target = await self._get(email)
        if until is None:
            changed = await self.away.back(target)
            await self.audit.record(actor, AuditAction.OPERATOR_BACK, changed.email)
            return changed
        changed = await self.away.set(target, until, replacement_id)
        stand_in = next(
            (o.email for o in await self.operators.list() if o.id == replacement_id), ""
        )
        day = until.astimezone(self.zone)
        detail = f"back on {day:%Y-%m-%d}" + (f", replaced by {stand_in}" if stand_in else "")
        await self.audit.record(actor, AuditAction.OPERATOR_AWAY, changed.email, detail)
        return changed

    async def _get(self, email: str) -> Operator:
        found = await self.operators.store.operators.operator_credentials(normalize_email(email))
        if found is None:
            raise NotFound(f"no operator {email[:100]!r}", code="unknown_operator")
        return found[0]

    async def _keep_an_admin(self, leaving: Operator) -> None:
        others = [
            o for o in await self.operators.list()
            if o.is_admin and not o.disabled and o.id != leaving.id
        ]  # fmt: skip
        if not others:
            raise Conflict("the desk needs at least one active admin", code="last_admin")


def _admin(actor: Operator) -> None:
    if not actor.is_admin:
        raise Forbidden("only admins manage operators")


def _changes(before: Operator, after: Operator) -> str:
    """Return what an edit changed, for the audit log (``role: operator -> admin; ...``)."""
    said = []
    for name in ("name", "role", "departments", "languages", "capacity"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            show = (lambda v: ", ".join(v) or "-") if isinstance(old, tuple) else str
            said.append(f"{name}: {show(old)} -> {show(new)}")
    return "; ".join(said)
