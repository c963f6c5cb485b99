"""Operator accounts: creation, passwords (argon2), login throttling, session tokens."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .config import LANGUAGES
from .consolesessions import ConsoleSessions
from .errors import Forbidden, InvalidPayload, NotFound, RateLimited, Unauthorized
from .models import Operator, Role, new_id, utcnow
from .passwordrules import MIN_PASSWORD, check_password
from .sessions import SEEN_EVERY, SESSION_COOKIE, SESSION_MAX_AGE, Session, SessionTokens
from .store import Store
from .throttle import Throttle

__all__ = [
    "MIN_PASSWORD",
    "SEEN_EVERY",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "SIGNATURE_LENGTH",
    "SIGNATURE_LINES",
    "UNUSED_AFTER",
    "OperatorService",
    "Session",
    "SessionTokens",
    "normalize_email",
]

#: An operator's signature: this many lines, this many characters in all, at most.
SIGNATURE_LINES = 6
SIGNATURE_LENGTH = 400
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: After this many failed logins for one e-mail within the window, further attempts for it
#: are refused...
EMAIL_FAILURES = "5/15 minutes"
#: ...and after this many from one client address (any e-mail: password spraying). Higher,
#: because behind a reverse proxy every client has the proxy's address: five typos must not
#: lock every operator out.
CLIENT_FAILURES = "50/15 minutes"
#: An active account nobody used for this long looks like a leaver's: the Operators page
#: marks it and the admins' weekly report names it.
UNUSED_AFTER = timedelta(days=90)

log = logging.getLogger(__name__)


def normalize_email(email: str) -> str:
    """Return ``email`` trimmed and lower-cased, or raise InvalidPayload."""
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidPayload(f"{email!r} is not an e-mail address", code="invalid_email")
    return email


class OperatorService:
    """Manage operators and check their logins.

    :param store: where operators live.
    :param departments: the desk's departments (an operator's must be among them).
    """

    def __init__(
        self,
        store: Store,
        tokens: SessionTokens,
        *,
        departments: Iterable[str],
        throttle: Throttle | None = None,
        clock: Callable[[], datetime] = utcnow,
        two_factor: str = "optional",
        password_sign_in: str = "everyone",  # noqa: S107 (who may use one)
        sso: bool = False,
    ) -> None:
        self.store = store
        self.tokens = tokens
        #: Where each operator is signed in (a row per sign-in and browser). On the wall
        #: clock, as the cookie's age is checked (itsdangerous), whatever clock the desk
        #: runs on (tests move theirs by days: sessions must not end with it).
        self.sessions = ConsoleSessions(store, tokens)
        #: ``[security] two_factor``: whom the desk requires it of.
        self.two_factor = two_factor
        #: ``[security] password_sign_in``: ``admins``: the others sign in through SSO.
        self.password_sign_in = password_sign_in
        #: Single sign-on is on: an account may have no password of its own.
        self.sso = sso
        self.throttle = throttle or Throttle()
        self._limits = (
            self.throttle.limit(EMAIL_FAILURES),
            self.throttle.limit(CLIENT_FAILURES),
        )
        self.departments = tuple(departments)
        self.clock = clock
        self._hasher = PasswordHasher()
        self._dummy_hash: str | None = None
        #: Tells an operator their password changed (a mail; None: the desk sends none).
        self.password_changed: Callable[[Operator], Awaitable[None]] | None = None
        #: Tells an operator of a sign-in from a browser new to them: (operator, client
        #: address, User-Agent); a mail, None: the desk sends none.
        self.new_device: Callable[[Operator, str, str], Awaitable[None]] | None = None

    async def add(
        self,
        email: str,
        *,
        name: str,
        role: str,
        departments: Iterable[str],
        languages: Iterable[str],
        password: str | None,
        capacity: int | None = None,
    ) -> Operator:
        """Create an operator; every field is checked first. ``password`` None: they
        sign in through single sign-on only (a password nobody knows is stored).

        :raises InvalidPayload: ``password_too_short`` (also for None without SSO),
            ``password_too_weak``.
        """
        departments, languages = tuple(departments), tuple(languages)
        if password is None:
            if not self.sso:
                raise InvalidPayload(
                    "single sign-on is off: the operator needs a password",
                    code="password_too_short",
                )
            password = secrets.token_urlsafe(32)
        self.check(name=name, role=role, departments=departments, languages=languages,
                   capacity=capacity)  # fmt: skip
        operator = Operator(
            id=new_id(),
            email=normalize_email(email),
            name=name.strip(),
            role=Role(role),
            departments=departments,
            languages=languages,
            capacity=capacity,
            created_at=self.clock(),
        )
        password_hash = await self._hash(password, about=(operator.email, operator.name))
        await self.store.operators.add_operator(operator, password_hash)
        return operator

    def check(
        self,
        *,
        name: str,
        role: str,
        departments: tuple[str, ...],
        languages: tuple[str, ...],
        capacity: int | None,
    ) -> None:
        """Check an operator's details. :raises InvalidPayload: naming the field at fault
        (codes ``operator_name``, ``operator_role``, ``operator_departments``,
        ``operator_languages``, ``operator_capacity``)."""
        if not name.strip() or len(name) > 100:
            raise InvalidPayload("the name must be 1 to 100 characters", code="operator_name")
        if role not in tuple(Role):
            raise InvalidPayload(
                f"the role must be one of: {', '.join(Role)}", code="operator_role"
            )
        unknown = [d for d in departments if d not in self.departments]
        if unknown or not departments:
            raise InvalidPayload(
                f"departments must be among: {', '.join(self.departments)}",
                code="operator_departments",
            )
        if not languages or any(lang not in LANGUAGES for lang in languages):
            raise InvalidPayload(
                f"languages must be among: {', '.join(LANGUAGES)}", code="operator_languages"
            )
        if capacity is not None and not 1 <= capacity <= 50:
            raise InvalidPayload("the capacity must be between 1 and 50", code="operator_capacity")

    async def list(self) -> list[Operator]:
        """Return every operator, by name."""
        return await self.store.operators.list_operators()

    async def get(self, operator_id: str) -> Operator | None:
        """Return an operator by id."""
        return await self.store.operators.get_operator(operator_id)

    async def active(self, operator_id: str) -> Operator:
        """Return the operator, re-read so a disabled account stops at once.

        :raises Unauthorized: if the account is gone or disabled.
        """
        operator = await self.store.operators.get_operator(operator_id)
        if operator is None or operator.disabled:
            raise Unauthorized("your account is disabled")
        return operator

    async def set_password(
        self, email: str, password: str, *, notify: bool = True, about: Iterable[str] = ()
    ) -> Operator:
        """Change a password (ends their sessions; tells them unless ``notify`` is False);
        ``about``: more of the person's own words than their address (their name)."""
        email = normalize_email(email)
        password_hash = await self._hash(password, about=(email, *about))
        changed = await self.store.operators.update_operator(email, password_hash=password_hash)
        if notify and self.password_changed is not None:
            await self.password_changed(changed)
        return changed

    async def reset_two_factor(self, email: str) -> Operator:
        """Turn an operator's two-step sign-in off (a lost phone and lost recovery codes);
        their sessions end. :raises NotFound: no such operator."""
        found = await self.store.operators.operator_credentials(normalize_email(email))
        if found is None:
            raise NotFound(f"no operator {email[:100]!r}", code="unknown_operator")
        return await self.store.operators.set_totp(found[0].id, "", [])

    async def set_mail_notifications(self, operator: Operator, on: bool) -> Operator:
        """Turn the operator's own mail about their tickets on or off; return them after."""
        current = await self.store.operators.get_operator(operator.id)
        if current is None:
            raise NotFound("no such operator")
        return await self.store.operators.edit_operator(replace(current, mail_notifications=on))

    async def set_signature(self, operator: Operator, signature: str) -> Operator:
        """Set the lines under the operator's replies in requesters' mails ("": none): at
        most :data:`SIGNATURE_LINES` lines of :data:`SIGNATURE_LENGTH` characters in all.

        :raises InvalidPayload: ``signature``.
        """
        lines = [" ".join(line.split()) for line in signature.strip().splitlines()]
        text = "\n".join(lines).strip()
        if len(text) > SIGNATURE_LENGTH or len(lines) > SIGNATURE_LINES:
            raise InvalidPayload(
                f"a signature is {SIGNATURE_LINES} lines, {SIGNATURE_LENGTH} characters at most",
                code="signature",
            )
        current = await self.store.operators.get_operator(operator.id)
        if current is None:
            raise NotFound("no such operator")
        return await self.store.operators.edit_operator(replace(current, signature=text))

    async def change_own_password(
        self, operator: Operator, current: str, new: str, *, client: str
    ) -> Operator:
        """Change a signed-in operator's password after checking the current one; return
        the operator after (its sessions have ended: the caller issues a new one).

        :raises RateLimited: after too many wrong passwords (counted as failed logins).
        :raises Unauthorized: ``wrong_password`` when ``current`` is not the password.
        :raises InvalidPayload: ``password_too_short``, ``password_too_weak``,
            ``password_unchanged``.
        """
        keys = (("login-email", operator.email), ("login-client", client))
        for limit, key in zip(self._limits, keys, strict=True):
            if not await self.throttle.allows(limit, *key):
                raise RateLimited("too many wrong passwords; try again in 15 minutes")
        found = await self.store.operators.operator_credentials(operator.email)
        if found is None or found[0].disabled:
            raise Unauthorized("your account is disabled")
        if not await self._verify(found[1], current):
            for limit, key in zip(self._limits, keys, strict=True):
                await self.throttle.count(limit, *key)
            log.warning("wrong current password for %s from %s", operator.email, client)
            raise Unauthorized("the current password is wrong", code="wrong_password")
        if new == current:
            raise InvalidPayload("the new password is the current one", code="password_unchanged")
        changed = await self.set_password(operator.email, new, about=(operator.name,))
        log.info("operator %s changed their password from %s", operator.email, client)
        return changed

    async def forget_failures(self, email: str) -> None:
        """Forget the failed logins of ``email`` (its owner proved it another way)."""
        await self.throttle.forget(self._limits[0], "login-email", normalize_email(email))

    async def end_other_sessions(self, operator: Operator, *, client: str) -> Operator:
        """End every session of ``operator`` (other browsers, a lost laptop, a shared
        computer); return the operator after (the caller issues this browser a new one)."""
        ended = await self.store.operators.update_operator(operator.email, end_sessions=True)
        log.info("operator %s ended their other sessions from %s", operator.email, client)
        return ended

    async def end_sessions(self, email: str) -> Operator:
        """End every session of an operator (an admin's "sign out everywhere")."""
        return await self.store.operators.update_operator(normalize_email(email), end_sessions=True)

    async def set_disabled(self, email: str, disabled: bool) -> Operator:
        """Disable or re-enable an operator (ends their sessions)."""
        return await self.store.operators.update_operator(normalize_email(email), disabled=disabled)

    async def login(self, email: str, password: str, *, client: str) -> Operator:
        """Return the operator whose credentials these are.

        :param client: the client's address, throttled like the e-mail.
        :raises RateLimited: after too many failures for this e-mail or client.
        :raises Unauthorized: for wrong credentials (the message never says which part).
        :raises Forbidden: ``password_sign_in_off``: right, but only admins may use a
            password here (``[security] password_sign_in``); said only after the password
            was checked, so it tells nothing to someone without it.
        """
        email = email.strip().lower()
        keys = (("login-email", email), ("login-client", client))
        for limit, key in zip(self._limits, keys, strict=True):
            if not await self.throttle.allows(limit, *key):
                log.warning("login refused (throttled): %s from %s", email[:254], client)
                raise RateLimited("too many failed logins; try again in 15 minutes")
        found = (
            await self.store.operators.operator_credentials(email) if _EMAIL.match(email) else None
        )
        # Verify even for an unknown e-mail, so the time taken does not tell which exist.
        matches = await self._verify(found[1] if found else await self._dummy(), password)
        if found is None or found[0].disabled or not matches:
            for limit, key in zip(self._limits, keys, strict=True):
                await self.throttle.count(limit, *key)
            log.warning("failed login for %s from %s", email[:254], client)
            raise Unauthorized("wrong e-mail or password")
        await self.throttle.forget(self._limits[0], *keys[0])
        if self.password_sign_in == "admins" and not found[0].is_admin:  # noqa: S105
            log.warning("password sign-in refused for %s (SSO only) from %s", email, client)
            raise Forbidden("sign in through single sign-on", code="password_sign_in_off")
        log.info("operator %s logged in from %s", found[0].email, client)
        return found[0]

    async def sso_login(self, email: str, *, provider: str, client: str) -> Operator:
        """Return the operator the single sign-on provider vouched for (by ``email``).

        :raises Unauthorized: ``sso_unknown`` when no enabled operator has that e-mail.
        """
        email = email.strip().lower()
        found = (
            await self.store.operators.operator_credentials(email) if _EMAIL.match(email) else None
        )
        if found is None or found[0].disabled:
            log.warning("sign-in through %s refused for %s from %s", provider, email[:254], client)
            raise Unauthorized("no operator account has this e-mail", code="sso_unknown")
        log.info("operator %s signed in through %s from %s", found[0].email, provider, client)
        return found[0]

    async def signed_in(self, operator: Operator, *, device: str, client: str, agent: str) -> str:
        """Note a sign-in that succeeded (a password, a code, single sign-on) on the browser
        whose device cookie is ``device``; return the cookie to give it back.

        A browser that does not know the operator tells them by mail (:attr:`new_device`),
        unless it is their first sign-in ever: that one is expected.
        """
        known = self.tokens.device_knows(device, operator.id)
        if not known and operator.last_seen_at is not None and self.new_device is not None:
            await self.new_device(operator, client, agent)
        return self.tokens.remember_device(device, operator.id)

    async def session(self, token: str) -> Session:
        """Return the session a cookie token stands for, or raise Unauthorized."""
        operator_id, version, csrf, session_id = self.tokens.read(token)
        operator = await self.store.operators.get_operator(operator_id)
        if operator is None or operator.disabled or operator.session_version != version:
            raise Unauthorized("your session has ended; please log in")
        await self.sessions.check(operator, session_id)
        now = self.clock()
        if operator.last_seen_at is None or operator.last_seen_at <= now - SEEN_EVERY:
            await self.store.operators.mark_seen(operator.id, now, since=now - SEEN_EVERY)
        required = self.two_factor == "everyone" or (
            self.two_factor == "admins" and operator.is_admin
        )
        return Session(operator, csrf, requires_two_factor=required, session_id=session_id)

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await asyncio.to_thread(self._hasher.hash, secrets.token_hex(16))
        return self._dummy_hash

    async def check_password(self, password: str, *, about: Iterable[str] = ()) -> None:
        """Refuse a new password too short or too easy to guess (``about``: the person's
        name and address). :raises InvalidPayload: ``password_too_short``,
        ``password_too_weak``."""
        # Guessing it takes zxcvbn milliseconds: off the event loop, as the hash.
        await asyncio.to_thread(functools.partial(check_password, password, about=tuple(about)))

    async def _hash(self, password: str, *, about: Iterable[str] = ()) -> str:
        await self.check_password(password, about=about)
        # argon2 is deliberately slow (tens of ms): keep it off the event loop.
        return await asyncio.to_thread(self._hasher.hash, password)

    async def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self._hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
