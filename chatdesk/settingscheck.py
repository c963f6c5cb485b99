"""Cross-field checks of :class:`~chatdesk.config.Settings`: e-mail and single sign-on."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import ConfigError
from .mailconfig import parse_address, parse_imap_url, parse_listen, parse_smtp_url

if TYPE_CHECKING:
    from .config import Settings

__all__ = ["validate_mail", "validate_oidc"]

_PREFIX = "CHATDESK_"
#: Hosts an OpenID Connect issuer may be reached at over plain http (a developer's own).
_LOCAL = {"localhost", "127.0.0.1", "::1"}


def validate_mail(settings: Settings) -> None:
    """Check the mail settings; raise :class:`ConfigError` naming the variable."""
    checks: list[tuple[str, str, Callable[[str], object]]] = [
        ("SMTP_URL", settings.smtp_url, parse_smtp_url),
        ("MAIL_FROM", settings.mail_from, parse_address),
        ("MAIL_IN_LISTEN", settings.mail_in_listen, parse_listen),
        ("IMAP_URL", settings.imap_url, parse_imap_url),
    ]
    for name, value, parse in checks:
        if value:
            try:
                parse(value)
            except ValueError as exc:
                shown = "…" if name.endswith("_URL") else value  # never print a password
                raise ConfigError(f"{_PREFIX}{name}={shown} is not valid: {exc}") from None
    if settings.public_url and not re.match(r"^https?://[^/\s]+(/\S*)?$", settings.public_url):
        raise ConfigError(f"{_PREFIX}PUBLIC_URL={settings.public_url!r} is not an http(s) URL")
    if settings.smtp_url and not (settings.mail_from and settings.public_url):
        raise ConfigError(
            f"{_PREFIX}SMTP_URL needs {_PREFIX}MAIL_FROM (the sender) and {_PREFIX}PUBLIC_URL "
            "(for the links in e-mails)"
        )


def validate_oidc(settings: Settings) -> None:
    """Check the single sign-on settings: all three or none, and an https issuer."""
    issuer, client = settings.oidc_issuer, settings.oidc_client_id
    if not (issuer or client or settings.oidc_client_secret):
        return
    missing = [
        _PREFIX + name
        for name, value in (
            ("OIDC_ISSUER", issuer),
            ("OIDC_CLIENT_ID", client),
            ("OIDC_CLIENT_SECRET", settings.oidc_client_secret),
        )
        if not value
    ]
    if missing:
        raise ConfigError(f"single sign-on needs {' and '.join(missing)} too")
    parts = urlsplit(issuer)
    local = parts.scheme == "http" and parts.hostname in _LOCAL
    if not (parts.scheme == "https" or local) or not parts.hostname or parts.query:
        raise ConfigError(
            f"{_PREFIX}OIDC_ISSUER={issuer!r} must be the provider's https URL "
            "(plain http only on localhost), without a query"
        )
