"""Operators who forgot their password: a link by e-mail to choose a new one (single use,
within the hour, throttled), and what that mail says.

Nothing tells the person asking whether the address has an account: :meth:`request`
behaves the same for every address, and only an active operator who may sign in with a
password gets the mail. Usage::

    await resets.request(email, client=ip)            # POST /console/password/forgot
    operator, invited = await resets.check(token)     # GET: the form for a new password
    operator = await resets.reset(token, password)    # POST: once; sessions end
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from itsdangerous import URLSafeSerializer

from ..audit import AuditTrail
from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..errors import Conflict, InvalidToken, RateLimited
from ..models import AuditAction, Operator, format_ts, parse_ts, utcnow
from ..models.mail import OutboxMail
from ..operators import OperatorService, normalize_email
from ..store import Store
from ..systemtexts import format_when
from ..throttle import Throttle
from ..tokens import load_link
from .content import Content
from .stafftexts import staff_text as _t
from .texts import mail_text


class MailQueue(Protocol):
    """Where the mail goes: the desk's :class:`~chatdesk.mail.outbox.Outbox`, or, from the
    command line, the store's outbox table (the running desk sends it)."""

    @property
    def enabled(self) -> bool:
        """Whether the desk sends e-mail."""
        ...

    async def enqueue(self, mails: Sequence[OutboxMail]) -> int:
        """Store ``mails`` (those whose key is queued already are left out)."""
        ...


__all__ = [
    "CLIENT_REQUESTS",
    "EMAIL_REQUESTS",
    "INVITE_TTL",
    "LINK_TTL",
    "PASSWORD_RESET",
    "MailQueue",
    "PasswordResets",
    "reset_content",
]

log = logging.getLogger(__name__)

#: The outbox kind of the mail with the link.
PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of mail, not a password)
#: A link works once, within this time...
LINK_TTL = timedelta(hours=1)
#: ...and an invitation (a new account's first password), within this time.
INVITE_TTL = timedelta(days=7)
#: Links sent to one address per window (more are dropped quietly: no mail bombing)...
EMAIL_REQUESTS = "3/hour"
#: ...and requests from one client address (more are refused: 429).
CLIENT_REQUESTS = "10/15 minutes"
#: Where the link leads (the token follows).
RESET_PATH = "/console/password/reset/"


class PasswordResets:
    """Send an operator a link to choose a new password, and use it once.

    :param public_url: the desk's address, for the link.
    """

    def __init__(
        self, store: Store, operators: OperatorService, outbox: MailQueue, secret_key: str, *,
        public_url: str, throttle: Throttle | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.operators = operators
        self.outbox = outbox
        self.public_url = public_url.rstrip("/")
        self.throttle = throttle or Throttle()
        self.clock = clock
        self.audit: AuditTrail | None = None
        self._links = URLSafeSerializer(secret_key, salt="chatdesk.password-reset")
        self._per_email = Throttle.limit(EMAIL_REQUESTS)
        self._per_client = Throttle.limit(CLIENT_REQUESTS)

    @property
    def enabled(self) -> bool:
        """Return whether links can be sent (the desk sends e-mail)."""
        return self.outbox.enabled

    async def request(self, email: str, *, client: str) -> None:
        """Queue a link for ``email`` if it is an active operator's who may use a password
        here; do nothing otherwise (the caller says the same either way).

        :raises InvalidPayload: ``invalid_email``.
        :raises RateLimited: too many requests from ``client``.
        """
        address = normalize_email(email)
        if not await self.throttle.count(self._per_client, "reset-client", client):
            raise RateLimited("too many requests; try again in a few minutes")
        if not self.enabled or not await self.throttle.count(
            self._per_email, "reset-email", address
        ):
            return
        found = await self.store.operators.operator_credentials(address)
        operator = found[0] if found else None
        if operator is None or operator.disabled or not self._may_use_password(operator):
            log.info("password reset asked for %s from %s: nobody to send it to", address, client)
            return
        await self._send(operator, {"minutes": int(LINK_TTL.total_seconds() // 60)})
        log.info("password reset link queued for %s (asked from %s)", address, client)

    async def invite(self, operator: Operator, *, by: Operator | None) -> None:
        """Mail a new account's operator (added by ``by``; None: the command line) a link
        to choose their first password: once, within :data:`INVITE_TTL`."""
        data = {"invited_by": by.name if by else "", "invite": True, "days": INVITE_TTL.days}
        await self._send(operator, data, kind="i")
        await self.store.operators.mark_invited(operator.id, self.clock())
        log.info("invitation queued for %s (by %s)", operator.email, by.email if by else "-")

    async def send_link(self, operator: Operator, *, by: Operator) -> None:
        """Mail ``operator`` a link to choose a new password, sent by an admin (``by``):
        once, within :data:`INVITE_TTL` (it may wait for Monday).

        :raises Conflict: ``sso_only``: they sign in through single sign-on only.
        """
        if not self._may_use_password(operator):
            raise Conflict("this operator signs in through single sign-on", code="sso_only")
        await self._send(operator, {"asked_by": by.name, "days": INVITE_TTL.days}, kind="a")
        log.info("password link queued for %s (by %s)", operator.email, by.email)

    async def changed(self, operator: Operator) -> None:
        """Tell ``operator`` their password was changed (whoever changed it: them, an
        admin, a link): one who did not will tell an admin."""
        now = self.clock()
        mail = OutboxMail(PASSWORD_RESET, operator.email, _lang(operator), now,
                          data={"changed": format_ts(now), "name": operator.name})  # fmt: skip
        await self.outbox.enqueue([mail])

    async def _send(self, operator: Operator, data: dict[str, Any], kind: str = "r") -> None:
        """Queue the mail with a link for ``operator`` (``kind``: r a reset, i an
        invitation, a an admin's link)."""
        now = self.clock()
        nonce = secrets.token_urlsafe(12)
        token = self._links.dumps({
            "o": operator.id, "n": nonce, "t": format_ts(now), "v": operator.session_version,
            "k": kind,
        })  # fmt: skip
        link = f"{self.public_url}{RESET_PATH}{token}"
        data = data | {"link": link, "name": operator.name}
        mail = OutboxMail(PASSWORD_RESET, operator.email, _lang(operator), now, data=data,
                          key=f"{PASSWORD_RESET}:{nonce}")  # fmt: skip
        await self.outbox.enqueue([mail])  # stored before anyone hears "sent"

    async def check(self, token: str) -> tuple[Operator, bool]:
        """Return whom a link names, if it is genuine, in time and not used, and whether
        it is an invitation (a new account's first password).

        :raises InvalidToken: ``link_invalid``, ``link_expired`` or ``link_used``.
        """
        operator, _, _, kind = await self._read(token)
        return operator, kind == "i"

    async def reset(self, token: str, password: str, *, client: str) -> Operator:
        """Set ``password`` through the link (once); every session of the operator ends and
        their failed logins are forgotten. Return the operator after.

        :raises InvalidToken: as :meth:`check`.
        :raises InvalidPayload: ``password_too_short``, ``password_too_weak`` (the link
            still works).
        """
        operator, nonce, issued, kind = await self._read(token)
        # Before the link is spent: a refused password leaves it working.
        await self.operators.check_password(password, about=(operator.email, operator.name))
        claimed = await self.store.leases.claim_once(
            f"password-reset:{nonce}", expires_at=issued + INVITE_TTL, now=self.clock()
        )
        if not claimed:
            raise InvalidToken("this link was used already", code="link_used")
        # An invited operator's first password is no news to them.
        changed = await self.operators.set_password(operator.email, password, notify=kind != "i")
        # Locked out by their own typos, they may sign in at once with the new one.
        await self.operators.forget_failures(changed.email)
        log.info("operator %s set a new password through a reset link from %s",
                 operator.email, client)  # fmt: skip
        if self.audit is not None:
            await self.audit.record(
                changed, AuditAction.PASSWORD_SET, changed.email, "by a link sent by e-mail"
            )
        return changed

    def _may_use_password(self, operator: Operator) -> bool:
        # With `[security] password_sign_in = "admins"`, the others sign in through SSO.
        return self.operators.password_sign_in != "admins" or operator.is_admin  # noqa: S105

    async def _read(self, token: str) -> tuple[Operator, str, datetime, str]:
        """Return whom a link names, its nonce, when it was made and its kind (r, i, a)."""
        data = load_link(self._links, token, "o", "n")
        try:
            issued = parse_ts(str(data.get("t", "")))
        except ValueError:
            raise InvalidToken("this link is not valid", code="link_invalid") from None
        kind = str(data.get("k", "r"))
        if self.clock() - issued > (LINK_TTL if kind == "r" else INVITE_TTL):
            raise InvalidToken("this link has expired", code="link_expired")
        operator = await self.store.operators.get_operator(str(data["o"]))
        if operator is None or operator.disabled or not self._may_use_password(operator):
            raise InvalidToken("this link is not valid", code="link_invalid")
        if data.get("v") != operator.session_version:
            # A password set since (through this link or another way), a sign-out
            # everywhere, an account disabled and enabled: the link is spent.
            raise InvalidToken("this link was used already", code="link_used")
        return operator, str(data["n"]), issued, kind


def _lang(operator: Operator) -> str:
    return next((lang for lang in operator.languages if lang in LANGUAGES), "en")


def reset_content(mail: OutboxMail, config: DeskConfig) -> Content:
    """Return what the mail says: a link to reset, an invitation, or that the password
    was changed."""
    lang, data, desk = mail.lang, mail.data, config.name
    if data.get("changed"):
        when = format_when(parse_ts(str(data["changed"])), lang, config.hours.timezone)
        return Content(
            subject=_t(lang, "changed_subject", desk=desk),
            greeting=mail_text(lang, "hello", name=str(data.get("name", ""))),
            paragraphs=(_t(lang, "changed_1", desk=desk, when=when), _t(lang, "changed_2")),
            footer=_t(lang, "reset_footer", desk=desk),
        )
    if data.get("invite") or data.get("invited_by"):
        by = str(data.get("invited_by") or "")
        return Content(
            subject=_t(lang, "invite_subject", desk=desk),
            greeting=mail_text(lang, "hello", name=str(data.get("name", ""))),
            paragraphs=(
                _t(lang, "invite_1", by=by, desk=desk)
                if by
                else _t(lang, "invite_1_desk", desk=desk),
                _t(lang, "invite_2", days=int(data.get("days", 7))),
            ),
            action=(_t(lang, "invite_action"), str(data.get("link", ""))),
            footer=_t(lang, "reset_footer", desk=desk),
        )
    if data.get("asked_by"):  # an admin sent it
        paragraphs = (
            _t(lang, "asked_1", by=str(data["asked_by"]), desk=desk, days=int(data["days"])),
            _t(lang, "asked_2"),
        )
    else:
        paragraphs = (
            _t(lang, "reset_1", desk=desk, minutes=int(data.get("minutes", 60))),
            _t(lang, "reset_2"),
        )
    return Content(
        subject=_t(lang, "reset_subject", desk=desk),
        greeting=mail_text(lang, "hello", name=str(data.get("name", ""))),
        paragraphs=paragraphs,
        action=(_t(lang, "reset_action"), str(data.get("link", ""))),
        footer=_t(lang, "reset_footer", desk=desk),
    )
