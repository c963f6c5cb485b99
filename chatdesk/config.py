"""Settings: one frozen object read from ``CHATDESK_*`` environment variables."""

from __future__ import annotations

import os
import secrets
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from .errors import ConfigError

__all__ = ["LANGUAGES", "Settings", "load_secret"]

#: Languages the desk speaks to visitors, in the order used for fallbacks.
LANGUAGES = ("fr", "nl", "en")

_PREFIX = "CHATDESK_"


def _help(text: str, **constraints: Any) -> Any:
    return msgspec.Meta(description=text, **constraints)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything an admin can configure, each read from ``CHATDESK_<NAME>``.

    Build it with :meth:`from_environ`; tests build it directly with keywords (and
    derive variants with :meth:`replace`).
    """

    data_dir: Annotated[
        Path, _help("Directory for the SQLite database, the generated secret key and uploads.")
    ] = Path("var")
    secret_key: Annotated[
        str,
        _help(
            "Key signing visitor tokens and operator sessions. Empty: generated on first "
            "start and kept in DATA_DIR/secret_key so tokens survive restarts."
        ),
    ] = ""
    host: Annotated[str, _help("Interface `chatdesk serve` listens on.")] = "127.0.0.1"
    port: Annotated[int, _help("TCP port `chatdesk serve` listens on.", ge=1, le=65535)] = 8080
    allowed_origins: Annotated[
        tuple[str, ...],
        _help(
            "Comma-separated origins allowed to open the widget's socket (e.g. "
            "`https://www.example.com`); `*` allows any. Empty: only the desk's own origin."
        ),
    ] = ()
    max_message_length: Annotated[
        int, _help("Longest chat message accepted, in characters.", ge=1)
    ] = 4000
    visitor_rate: Annotated[
        float, _help("Messages per second a visitor connection may send, sustained.", gt=0)
    ] = 1.0
    visitor_burst: Annotated[
        int,
        _help("Messages a visitor connection may send at once before being throttled.", ge=1),
    ] = 10
    knowledge_dir: Annotated[
        Path | None,
        _help(
            "Directory of the bot's knowledge files (reloaded when they change). "
            "Empty: no bot (every conversation waits for a person)."
        ),
    ] = Path("knowledge")
    config_file: Annotated[
        Path | None,
        _help(
            "The desk's configuration file (hours, holidays, targets, departments, routing; "
            "see docs/operators.md). Missing: the defaults."
        ),
    ] = Path("chatdesk.toml")
    default_lang: Annotated[
        Literal["fr", "nl", "en"],
        _help("Language used when a visitor's is unknown or unsupported."),
    ] = "en"
    websocket_compression: Annotated[
        Literal["on", "off"],
        _help(
            "`on` lets browsers use permessage-deflate on the socket. `off` (default) declines "
            "it: ~100 kB less memory per connected visitor, for messages too short to gain."
        ),
    ] = "off"
    store: Annotated[
        Literal["sqlite", "redis"],
        _help("Storage backend: `sqlite` (embedded default) or `redis`."),
    ] = "sqlite"
    sqlite_synchronous: Annotated[
        Literal["full", "normal"],
        _help(
            "SQLite durability. `normal`: every acked message is in the write-ahead log before "
            "its ack and survives any crash or restart of the process; an OS crash or power "
            "loss can lose the last moments. `full`: also survives power loss (an fsync per "
            "commit, grouped under load; slower acks)."
        ),
    ] = "normal"
    redis_url: Annotated[
        str,
        _help("Redis URL (`redis://host:6379/0`) for the redis store and multi-process fan-out."),
    ] = ""
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], _help("Logging level.")] = (
        "INFO"
    )
    redis_pool_size: Annotated[
        int,
        _help(
            "Most Redis connections one process opens for fan-out and shared throttles (plus "
            "one listening); past it, publishes wait for a free connection instead of opening "
            "more (an unbounded pool collapses under load).",
            ge=2,
            le=1000,
        ),
    ] = 16
    transports: Annotated[
        tuple[Literal["polling", "websocket"], ...],
        _help(
            "Socket.IO transports accepted: `polling,websocket` (default) or `websocket` for "
            "load balancers without sticky sessions (long-polling needs every request of a "
            "client to reach the same process)."
        ),
    ] = ("polling", "websocket")
    visitor_tabs: Annotated[
        int,
        _help(
            "How many connections' allowance (VISITOR_RATE, VISITOR_BURST) one visitor's "
            "connections share in total, across tabs and processes (counted in Redis when "
            "CHATDESK_REDIS_URL is set).",
            ge=1,
        ),
    ] = 3
    process_name: Annotated[
        str,
        _help("This process's name in metrics and logs. Empty: `host:pid`."),
    ] = ""
    log_format: Annotated[
        Literal["text", "json"],
        _help("`text` (default) or `json`: one JSON object per line, for log collectors."),
    ] = "text"

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``), then ``env_file``.

        :raises ConfigError: naming the variable when a value is malformed.
        """
        values = dict(_read_env_file(env_file)) if env_file is not None else {}
        values.update(os.environ if environ is None else environ)
        raw: dict[str, Any] = {}
        for name, kind in _FIELDS.items():
            text = values.get(_PREFIX + name.upper())
            if text is not None:
                raw[name] = _prepare(text.strip(), kind)
        try:
            settings = msgspec.convert(raw, cls, strict=False, dec_hook=_paths)
        except msgspec.ValidationError as exc:
            raise ConfigError(_explain(exc, values)) from None
        settings.validate()
        return settings

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks: never the secret.
        shown = {**msgspec.structs.asdict(self), "secret_key": "***" if self.secret_key else ""}
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def validate(self) -> None:
        """Check cross-field rules; raise :class:`ConfigError` naming the variable."""
        if self.store == "redis" and not self.redis_url:
            raise ConfigError("CHATDESK_STORE=redis needs CHATDESK_REDIS_URL")
        if not self.transports:
            raise ConfigError("CHATDESK_TRANSPORTS needs `polling`, `websocket` or both")

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` (validated like the original)."""
        return msgspec.convert(
            {**msgspec.structs.asdict(self), **changes}, Settings, dec_hook=_paths
        )

    def with_secret(self) -> Settings:
        """Return these settings with a secret key, generating and keeping one if unset."""
        if self.secret_key:
            return self
        return msgspec.structs.replace(self, secret_key=load_secret(self.data_dir))

    @classmethod
    def documented(cls) -> list[tuple[str, str, str]]:
        """Return ``(variable, default, help)`` for every setting."""
        rows = []
        info = msgspec.inspect.type_info(cls)
        assert isinstance(info, msgspec.inspect.StructType)
        for field in info.fields:
            default = field.default
            if isinstance(default, tuple):
                default = ",".join(default)
            rows.append((_PREFIX + field.name.upper(), str(default), _description(field.type)))
        return rows


#: Each setting's type, without its Annotated help.
_FIELDS: dict[str, Any] = {
    name: typing.get_args(kind)[0] if typing.get_origin(kind) is Annotated else kind
    for name, kind in typing.get_type_hints(Settings, include_extras=True).items()
}


def _prepare(text: str, kind: Any) -> Any:
    """Turn the raw text of a variable into what its type expects."""
    if typing.get_origin(kind) is tuple:
        item = typing.get_args(kind)[0]
        return [_prepare(part.strip(), item) for part in text.split(",") if part.strip()]
    if typing.get_origin(kind) in (types.UnionType, typing.Union) and not text:
        return None  # an empty optional path: "none"
    if typing.get_origin(kind) is Literal:
        # Choices are matched whatever their case ("debug", "NORMAL").
        for choice in typing.get_args(kind):
            if text.lower() == str(choice).lower():
                return choice
    return text


def _paths(kind: type, value: Any) -> Any:
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise NotImplementedError


def _explain(error: msgspec.ValidationError, values: Mapping[str, str]) -> str:
    message = str(error)
    # "... - at `$.transports[0]`": the variable is CHATDESK_TRANSPORTS.
    field = message.rpartition("$.")[2].rstrip("`").partition("[")[0] if "$." in message else ""
    if not field:
        return message
    variable = _PREFIX + field.upper()
    reason = message.rpartition(" - at ")[0]
    return f"{variable}={values.get(variable, '')!r} is not valid: {reason}"


def _description(kind: Any) -> str:
    if hasattr(kind, "extra_json_schema") and kind.extra_json_schema:
        return str(kind.extra_json_schema.get("description", ""))
    return ""


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
