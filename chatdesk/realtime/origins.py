"""Which web origins may open a socket: the desk's own, plus the configured ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["OriginPolicy", "own_origins"]


class OriginPolicy:
    """Callable given to engine.io as ``cors_allowed_origins``.

    Clients that send no ``Origin`` (non-browser clients) are not asked; browsers
    always send it, so a page on another site can only connect when allowed here.
    """

    def __init__(self, allowed: Iterable[str]) -> None:
        allowed = tuple(o.rstrip("/") for o in allowed)
        self.any = "*" in allowed
        self.allowed = frozenset(allowed)

    def __call__(self, origin: str | None, environ: Mapping[str, Any]) -> bool:
        """Return whether a browser page on ``origin`` may connect."""
        if origin is None or self.any or origin in self.allowed:
            return True
        return origin in own_origins(environ)


def own_origins(environ: Mapping[str, Any]) -> set[str]:
    """Return the origins the desk itself is reached at (directly, or via its proxy)."""
    host = environ.get("HTTP_HOST", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    own = {f"{scheme}://{host}"}
    # Behind a TLS-terminating proxy the browser's origin is the proxy's.
    fwd_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    fwd_proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    own.add(f"{fwd_proto}://{fwd_host}")
    return own
