"""Requesters signing in to the portal by e-mail link: single use, short-lived, throttled."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import URLSafeSerializer

from ..config import LANGUAGES
from ..errors import InvalidToken, NotFound, RateLimited
from ..events import Event, SignInRequested
from ..models import Requester, format_ts, parse_ts, utcnow
from ..operators import normalize_email
from ..store import Store
from ..throttle import Throttle
from ..tokens import load_link
from .blocklist import BlockList
from .people import RequesterService

__all__ = ["CLIENT_REQUESTS", "EMAIL_REQUESTS", "LINK_TTL", "SESSION_TTL", "SignIn"]

#: A sign-in link works once, within this time.
LINK_TTL = timedelta(minutes=15)
#: A requester's portal session lasts this long.
SESSION_TTL = timedelta(days=30)
#: Links sent to one address per window (more are dropped quietly: no mail bombing)...
EMAIL_REQUESTS = "3/15 minutes"
#: ...and requests from one client address (more are refused: 429).
CLIENT_REQUESTS = "10/15 minutes"


class SignIn:
    """Send sign-in links to known requesters (and to invited addresses) and turn a used
    link into a session (accepting a pending invitation on the way).

    Nothing tells a caller whether an address is known: :meth:`request` behaves the same
    for every address (the event goes only to known ones). Usage::

        events = await signin.request(email, client=ip, lang="fr")
        requester = await signin.check_link(token)          # GET: show a confirm button
        requester, session = await signin.use_link(token)   # POST: once
        requester = await signin.session(cookie)
        requester = await signin.end_sessions(requester)    # every browser signed out
    """

    def __init__(
        self,
        store: Store,
        secret_key: str,
        *,
        throttle: Throttle | None = None,
        people: RequesterService | None = None,
        clock: Callable[[], datetime] = utcnow,
        blocks: BlockList | None = None,
    ) -> None:
        self.store = store
        self.people = people
        self.blocks = blocks or BlockList(store, clock=clock)
        self.clock = clock
        self.throttle = throttle or Throttle()
        self._links = URLSafeSerializer(secret_key, salt="chatdesk.signin")
        self._sessions = URLSafeSerializer(secret_key, salt="chatdesk.requester")
        self._per_email = Throttle.limit(EMAIL_REQUESTS)
        self._per_client = Throttle.limit(CLIENT_REQUESTS)
        #: Sends the link (e-mail's service, set when the desk has one); stored first:
        #: the mail is in the outbox before the request is answered.
        self.send: Callable[[SignInRequested], Awaitable[object]] | None = None

    async def request(self, email: str, *, client: str, lang: str = "") -> list[Event]:
        """Return a :class:`SignInRequested` for a known address, else nothing.

        :raises InvalidPayload: ``invalid_email``.
        :raises RateLimited: too many requests from ``client``.
        """
        address = normalize_email(email)
        if not await self.throttle.count(self._per_client, "signin-client", client):
            raise RateLimited("too many sign-in requests; try again in a few minutes")
        if not await self.throttle.count(self._per_email, "signin-email", address):
            return []
        if await self.blocks.stops(address) is not None:
            return []  # as for an unknown address: the page says the same either way
        requester = await self.store.requesters.find_requester(address)
        now = self.clock()
        if requester is None:
            # Someone invited who never wrote to us yet: the link creates their account.
            if await self.store.requesters.pending_invitation(address, now) is None:
                return []
            requester = await self.store.requesters.save_requester(
                address, name="", phone="", lang=lang if lang in LANGUAGES else "", now=now
            )
        token = str(
            self._links.dumps(
                {"r": requester.id, "n": secrets.token_urlsafe(12), "t": format_ts(now)}
            )
        )
        lang = lang if lang in LANGUAGES else requester.lang or "en"
        event = SignInRequested(requester, f"/support/signin/{token}", now + LINK_TTL, lang)
        if self.send is not None:
            await self.send(event)
        return [event]

    async def check_link(self, token: str) -> Requester:
        """Return whom a sign-in link names, if it is genuine and in time (not claimed).

        :raises InvalidToken: ``link_invalid`` or ``link_expired``.
        """
        requester, _, _ = await self._read_link(token)
        return requester

    async def use_link(self, token: str) -> tuple[Requester, str]:
        """Use a sign-in link: return its requester and a session token.

        :raises InvalidToken: ``link_invalid``, ``link_expired`` or ``link_used``.
        """
        requester, nonce, issued = await self._read_link(token)
        claimed = await self.store.leases.claim_once(
            f"signin:{nonce}", expires_at=issued + LINK_TTL, now=self.clock()
        )
        if not claimed:
            raise InvalidToken("this sign-in link was used already", code="link_used")
        if self.people is not None:
            # The link proved the address: a pending invitation is theirs to accept.
            requester = await self.people.accept_pending(requester)
        return requester, self.new_session(requester)

    def new_session(self, requester: Requester) -> str:
        """Return a session token for ``requester``, valid until it expires or until their
        sessions are ended (:meth:`end_sessions`)."""
        data = {"r": requester.id, "t": format_ts(self.clock()), "v": requester.session_version}
        return str(self._sessions.dumps(data))

    async def end_sessions(self, requester: Requester) -> Requester:
        """End every portal session of ``requester`` (in every browser, on every process:
        the version is in the store); return them after.

        :raises NotFound: ``unknown_requester`` (erased meanwhile).
        """
        ended = await self.store.requesters.end_requester_sessions(requester.id)
        if ended is None:
            raise NotFound("this requester no longer exists", code="unknown_requester")
        return ended

    async def session(self, token: str) -> Requester:
        """Return the signed-in requester of a session token.

        :raises InvalidToken: forged, expired, or naming nobody.
        """
        data = load_link(self._sessions, token, "r")
        issued = self._issued(data)
        if issued is None or self.clock() - issued > SESSION_TTL:
            raise InvalidToken("your session has ended; sign in again", code="session_ended")
        requester = await self.store.requesters.get_requester(str(data["r"]))
        if (
            requester is None
            # Tokens made before versions existed carry none: version 0, as theirs was.
            or data.get("v", 0) != requester.session_version
            or await self.blocks.stops(requester.email) is not None
        ):
            raise InvalidToken("your session has ended; sign in again", code="session_ended")
        return requester

    async def _read_link(self, token: str) -> tuple[Requester, str, datetime]:
        data = load_link(self._links, token, "r")
        issued = self._issued(data)
        nonce = data.get("n")
        if issued is None or not isinstance(nonce, str):
            raise InvalidToken("this sign-in link is not valid", code="link_invalid")
        if self.clock() - issued > LINK_TTL:
            raise InvalidToken("this sign-in link has expired", code="link_expired")
        requester = await self.store.requesters.get_requester(str(data["r"]))
        if requester is None:
            raise InvalidToken("this sign-in link is not valid", code="link_invalid")
        return requester, nonce, issued

    @staticmethod
    def _issued(data: dict[str, Any]) -> datetime | None:
        try:
            return parse_ts(str(data.get("t", "")))
        except ValueError:
            return None
