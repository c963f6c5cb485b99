"""Follow links: a signed token per ticket and requester, the key to the portal's thread."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import InvalidToken

__all__ = ["FollowLinks"]


class FollowLinks:
    """Sign and read follow-link tokens (salted, keyed by the desk's secret).

    A token names a ticket and its requester and does not expire: it is what the
    registration notice sends, and it keeps working until sign-in by e-mail exists.
    Usage::

        token = links.token(ticket.id, requester_id)
        ticket_id, requester_id = links.read(token)
    """

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="chatdesk.follow")

    def token(self, ticket_id: str, requester_id: str | None) -> str:
        """Return the token of one ticket for one requester."""
        return str(self._serializer.dumps({"t": ticket_id, "r": requester_id or ""}))

    def read(self, token: str) -> tuple[str, str]:
        """Return (ticket id, requester id). :raises InvalidToken: if forged or malformed."""
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise InvalidToken("this follow link is not valid") from None
        if not isinstance(data, dict) or not isinstance(data.get("t"), str):
            raise InvalidToken("this follow link is not valid")
        return data["t"], str(data.get("r", ""))
