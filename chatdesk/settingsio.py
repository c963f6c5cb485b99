"""How settings are read: variables' text to typed values, the ``.env`` file, the secret
key kept in the data dir, and database URLs."""

from __future__ import annotations

import os
import secrets
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec

from .errors import ConfigError

__all__ = [
    "as_path",
    "database_backend",
    "description_of",
    "explain_error",
    "hide_password",
    "load_secret",
    "prepare_value",
    "read_env_file",
    "sqlite_path",
]

_PREFIX = "CHATDESK_"


def prepare_value(text: str, kind: Any) -> Any:
    """Turn the raw text of a variable into what its type expects."""
    if typing.get_origin(kind) is tuple:
        item = typing.get_args(kind)[0]
        return [prepare_value(part.strip(), item) for part in text.split(",") if part.strip()]
    if typing.get_origin(kind) in (types.UnionType, typing.Union) and not text:
        return None  # an empty optional path: "none"
    if typing.get_origin(kind) is Literal:
        # Choices are matched whatever their case ("debug", "NORMAL").
        for choice in typing.get_args(kind):
            if text.lower() == str(choice).lower():
                return choice
    return text


def as_path(kind: type, value: Any) -> Any:
    """msgspec's decoding hook: a string where a :class:`Path` is expected."""
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise NotImplementedError


def explain_error(error: msgspec.ValidationError, values: Mapping[str, str]) -> str:
    """Return a validation error as a sentence naming the variable and its value."""
    message = str(error)
    # "... - at `$.transports[0]`": the variable is CHATDESK_TRANSPORTS.
    field = message.rpartition("$.")[2].rstrip("`").partition("[")[0] if "$." in message else ""
    if not field:
        return message
    variable = _PREFIX + field.upper()
    reason = message.rpartition(" - at ")[0]
    return f"{variable}={values.get(variable, '')!r} is not valid: {reason}"


def description_of(kind: Any) -> str:
    """Return the help text of a setting's annotated type."""
    if hasattr(kind, "extra_json_schema") and kind.extra_json_schema:
        return str(kind.extra_json_schema.get("description", ""))
    return ""


def database_backend(url: str) -> Literal["sqlite", "postgresql"]:
    """Return which backend a database URL names.

    :raises ConfigError: if it is neither ``postgresql://`` (or ``postgres://``) nor
        ``sqlite:///``.
    """
    scheme = url.partition("://")[0].lower()
    if scheme in ("postgresql", "postgres") and len(url) > len(scheme) + 3:
        return "postgresql"
    if scheme == "sqlite" and url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return "sqlite"
    raise ConfigError(
        f"CHATDESK_DATABASE_URL: {hide_password(url)!r} is not a database URL "
        "(postgresql://user:password@host:5432/name or sqlite:///path/to/file.sqlite3)"
    )


def sqlite_path(url: str) -> Path:
    """Return the file of a ``sqlite:///path`` URL (``sqlite:////abs`` is absolute)."""
    return Path(url.removeprefix("sqlite:///"))


def hide_password(url: str, *, drop: bool = False) -> str:
    """Return ``url`` with its password (if any) shown as ``***``, or left out (``drop``)."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}@{host}" if drop else f"{scheme}://{user}:***@{host}"


def load_secret(data_dir: Path) -> str:
    """Return the secret kept in ``data_dir``, creating it on first use."""
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting together must end up with the same key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) < 32:
            raise ConfigError(f"{path} is too short to be a secret key; delete it") from None
        return secret
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    return secret


def read_env_file(path: Path) -> dict[str, str]:
    """Return the ``NAME=value`` lines of a ``.env`` file (none if it is missing).

    :raises ConfigError: with ``file:line`` for a line that is not ``NAME=value``.
    """
    if not path.is_file():
        return {}
    values = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}:{lineno}: expected NAME=value")
        values[key.strip()] = value.strip().strip("'\"")
    return values
