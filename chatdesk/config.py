"""Settings: one frozen object read from ``CHATDESK_*`` environment variables."""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["LANGUAGES", "Settings", "load_secret"]

#: Languages the desk speaks to visitors, in the order used for fallbacks.
LANGUAGES = ("fr", "nl", "en")

_PREFIX = "CHATDESK_"


def _doc(help: str, *choices: str) -> dict[str, Any]:
    return {"help": help, "choices": choices}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything an admin can configure, each read from ``CHATDESK_<NAME>``.

    Build it with :meth:`from_environ`; tests build it directly with keywords.
    """

    data_dir: Path = field(
        default=Path("var"),
        metadata=_doc("Directory for the SQLite database, the generated secret key and uploads."),
    )
    secret_key: str = field(
        default="",
        repr=False,
        metadata=_doc(
            "Key signing visitor tokens and operator sessions. Empty: generated on first "
            "start and kept in DATA_DIR/secret_key so tokens survive restarts."
        ),
    )
    host: str = field(default="127.0.0.1", metadata=_doc("Interface `chatdesk serve` listens on."))
    port: int = field(default=8080, metadata=_doc("TCP port `chatdesk serve` listens on."))
    allowed_origins: tuple[str, ...] = field(
        default=(),
        metadata=_doc(
            "Comma-separated origins allowed to open the widget's socket (e.g. "
            "`https://www.example.com`); `*` allows any. Empty: only the desk's own origin."
        ),
    )
    max_message_length: int = field(
        default=4000, metadata=_doc("Longest chat message accepted, in characters.")
    )
    visitor_rate: float = field(
        default=1.0, metadata=_doc("Messages per second a visitor connection may send, sustained.")
    )
    visitor_burst: int = field(
        default=10,
        metadata=_doc("Messages a visitor connection may send at once before being throttled."),
    )
    knowledge_dir: Path | None = field(
        default=Path("knowledge"),
        metadata=_doc(
            "Directory of the bot's knowledge files (reloaded when they change). "
            "Empty: no bot (every conversation waits for a person)."
        ),
    )
    config_file: Path | None = field(
        default=Path("chatdesk.toml"),
        metadata=_doc(
            "The desk's configuration file (hours, holidays, targets, departments, routing; "
            "see docs/operators.md). Missing: the defaults."
        ),
    )
    default_lang: str = field(
        default="en",
        metadata=_doc("Language used when a visitor's is unknown or unsupported.", *LANGUAGES),
    )
    websocket_compression: str = field(
        default="off",
        metadata=_doc(
            "`on` lets browsers use permessage-deflate on the socket. `off` (default) declines "
            "it: ~100 kB less memory per connected visitor, for messages too short to gain.",
            "on",
            "off",
        ),
    )
    store: str = field(
        default="sqlite",
        metadata=_doc(
            "Storage backend: `sqlite` (embedded default) or `redis`.", "sqlite", "redis"
        ),
    )
    sqlite_synchronous: str = field(
        default="normal",
        metadata=_doc(
            "SQLite durability. `normal`: every acked message is in the write-ahead log before "
            "its ack and survives any crash or restart of the process; an OS crash or power "
            "loss can lose the last moments. `full`: also survives power loss (an fsync per "
            "commit, grouped under load; slower acks).",
            "full",
            "normal",
        ),
    )
    redis_url: str = field(
        default="",
        metadata=_doc(
            "Redis URL (`redis://host:6379/0`) for the redis store and multi-process fan-out."
        ),
    )
    log_level: str = field(
        default="INFO", metadata=_doc("Logging level.", "DEBUG", "INFO", "WARNING", "ERROR")
    )

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``), then ``env_file``.

        :raises ConfigError: naming the variable when a value is malformed.
        """
        values = dict(_read_env_file(env_file)) if env_file is not None else {}
        values.update(os.environ if environ is None else environ)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            name = _PREFIX + f.name.upper()
            raw = values.get(name)
            if raw is None:
                continue
            kwargs[f.name] = _parse(name, raw, f)
        settings = cls(**kwargs)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Check cross-field rules; raise :class:`ConfigError` naming the variable."""
        if self.store == "redis" and not self.redis_url:
            raise ConfigError("CHATDESK_STORE=redis needs CHATDESK_REDIS_URL")
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"CHATDESK_PORT must be between 1 and 65535, not {self.port}")
        if self.max_message_length < 1:
            raise ConfigError("CHATDESK_MAX_MESSAGE_LENGTH must be at least 1")
        if self.visitor_rate <= 0 or self.visitor_burst < 1:
            raise ConfigError("CHATDESK_VISITOR_RATE must be > 0 and CHATDESK_VISITOR_BURST >= 1")

    def with_secret(self) -> Settings:
        """Return these settings with a secret key, generating and keeping one if unset."""
        if self.secret_key:
            return self
        return dataclasses.replace(self, secret_key=load_secret(self.data_dir))

    @classmethod
    def documented(cls) -> list[tuple[str, str, str]]:
        """Return ``(variable, default, help)`` for every setting."""
        rows = []
        for f in dataclasses.fields(cls):
            default = f.default
            if isinstance(default, tuple):
                default = ",".join(default)
            rows.append((_PREFIX + f.name.upper(), str(default), f.metadata["help"]))
        return rows


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


def _parse(name: str, raw: str, f: dataclasses.Field[Any]) -> Any:
    raw = raw.strip()
    parsers: dict[Any, Callable[[str], Any]] = {
        "str": str,
        "int": int,
        "float": float,
        "Path": Path,
        "Path | None": lambda s: Path(s) if s else None,
        "tuple[str, ...]": lambda s: tuple(p.strip() for p in s.split(",") if p.strip()),
    }
    try:
        value = parsers[f.type](raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {f.type}") from None
    choices = f.metadata["choices"]
    if choices:
        value = value.lower() if value.lower() in choices else value.upper()
        if value not in choices:
            raise ConfigError(f"{name}={raw!r} must be one of: {', '.join(choices)}")
    return value


def _read_env_file(path: Path) -> dict[str, str]:
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
