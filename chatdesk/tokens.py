"""Signed visitor tokens: the only thing a browser holds to find its conversation again."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from .errors import InvalidToken

__all__ = ["VisitorTokens", "load_link"]


def load_link(serializer: URLSafeSerializer, token: str, *keys: str) -> dict[str, Any]:
    """Return what a signed link's ``token`` holds, if genuine and each of ``keys`` is a
    string in it (portal sign-in links, password links).

    :raises InvalidToken: ``link_invalid`` (forged, malformed, too long).
    """
    if not token or len(token) > 1000:
        raise InvalidToken("this link is not valid", code="link_invalid")
    try:
        data = serializer.loads(token)
    except BadSignature:
        raise InvalidToken("this link is not valid", code="link_invalid") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in keys):
        raise InvalidToken("this link is not valid", code="link_invalid")
    return data


class VisitorTokens:
    """Sign and verify visitor tokens with the desk's secret key.

    A token carries only the visitor id; whether that visitor still exists is the
    store's answer, so a deleted visitor's token stops working.
    """

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="chatdesk.visitor")

    def issue(self, visitor_id: str) -> str:
        """Return a token for ``visitor_id``."""
        return str(self._serializer.dumps({"v": visitor_id}))

    def verify(self, token: str) -> str:
        """Return the visitor id inside ``token``.

        :raises InvalidToken: when the token is forged or malformed.
        """
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise InvalidToken("the visitor token is not valid") from None
        if not isinstance(data, dict) or not isinstance(data.get("v"), str):
            raise InvalidToken("the visitor token is not valid")
        return str(data["v"])
