"""Operators' console sessions: one per sign-in and browser, each with a row in the store.

The signed cookie (:mod:`chatdesk.sessions`) names its row; a session whose row is gone
is over, though its cookie has not expired. So signing out ends a session for good (a
copied cookie stops working too), and an operator ends one of theirs from another
browser: the account page lists where they are signed in (the browser and system, the
address, when it began and was last used), as Zammad's "devices" and GitHub's
"sessions" do. A new password, "sign out everywhere else", two-step sign-in turned on or
off and a disabled account still end every session at once (the operator's session
version); sessions of an older version are not listed, and the ``console_sessions`` job
deletes every row older than a cookie lives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from .errors import Unauthorized
from .events import Event
from .models import ConsoleSession, Operator, new_id, utcnow
from .sessions import SEEN_EVERY, SESSION_MAX_AGE, SessionTokens
from .store import Store

__all__ = ["AGENT_LENGTH", "ConsoleSessions"]

log = logging.getLogger(__name__)

#: What is kept of a User-Agent (named in our words when shown, never shown as is).
AGENT_LENGTH = 400


class ConsoleSessions:
    """Open, check, list and end operators' console sessions."""

    def __init__(
        self, store: Store, tokens: SessionTokens, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.clock = clock

    async def open(self, operator: Operator, *, client: str, agent: str) -> tuple[str, str]:
        """Store a session of ``operator`` signed in from ``client`` with the browser
        ``agent``; return its (cookie token, CSRF token)."""
        now = self.clock()
        session = ConsoleSession(
            new_id(), operator.id, operator.session_version, now, now,
            agent=agent[:AGENT_LENGTH], ip=client[:64],
        )  # fmt: skip
        await self.store.console_sessions.open_session(session)
        return self.tokens.issue(operator, session.id)

    async def check(self, operator: Operator, session_id: str) -> None:
        """Refuse a session whose row is gone (signed out, ended from another browser);
        note that it was used (at most every :data:`SEEN_EVERY`). A cookie from before
        sessions had rows (no id) passes until it expires.

        :raises Unauthorized: the session is over.
        """
        if not session_id:
            return
        found = await self.store.console_sessions.get_session(session_id)
        if found is None or found.operator_id != operator.id:
            raise Unauthorized("your session has ended; please log in")
        now = self.clock()
        if found.seen_at <= now - SEEN_EVERY:
            await self.store.console_sessions.touch_session(session_id, now, since=now - SEEN_EVERY)

    async def current(self, operator: Operator) -> list[ConsoleSession]:
        """Return the operator's sessions still open, the last used first."""
        since = self.clock() - SESSION_MAX_AGE
        return await self.store.console_sessions.list_sessions(
            operator.id, version=operator.session_version, since=since
        )

    async def end(self, operator: Operator, session_id: str, *, client: str) -> bool:
        """End one of the operator's sessions; return False if they have no such one."""
        ended = await self.store.console_sessions.end_session(session_id, operator_id=operator.id)
        if ended:
            log.info("operator %s ended a session from %s", operator.email, client)
        return ended

    async def purge(self) -> list[Event]:
        """Delete the sessions whose cookie has expired (the ``console_sessions`` job's
        turn); return no events."""
        purged = await self.store.console_sessions.purge_sessions(self.clock() - SESSION_MAX_AGE)
        if purged:
            log.info("%d expired console sessions deleted", purged)
        return []
