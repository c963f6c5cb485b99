"""Settings: one frozen object read from ``CHATDESK_*`` environment variables."""

from __future__ import annotations

import importlib.util
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from .errors import ConfigError
from .settingscheck import validate_mail, validate_oidc
from .settingsio import (
    as_path,
    database_backend,
    description_of,
    explain_error,
    hide_password,
    load_secret,
    prepare_value,
    read_env_file,
    sqlite_path,
)

__all__ = [
    "LANGUAGES",
    "Settings",
    "database_backend",
    "hide_password",
    "load_secret",
    "sqlite_path",
]

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
        Literal["", "sqlite", "postgresql", "redis"],
        _help(
            "Storage backend: `sqlite` (embedded, one process) or `postgresql` (shared by "
            "many processes). Empty: the one CHATDESK_DATABASE_URL names (SQLite when unset)."
        ),
    ] = ""
    sqlite_synchronous: Annotated[
        Literal["full", "normal"],
        _help(
            "SQLite durability. `normal`: every acked message is in the write-ahead log before "
            "its ack and survives any crash or restart of the process; an OS crash or power "
            "loss can lose the last moments. `full`: also survives power loss (an fsync per "
            "commit, grouped under load; slower acks)."
        ),
    ] = "normal"
    sqlite_cache_mb: Annotated[
        int,
        _help(
            "Most memory SQLite keeps of the store's pages, in MB (filled as pages are "
            "read). Below the desk's hot pages (a page of each active conversation and "
            "its indexes), every message reads some back from the operating system.",
            ge=1,
            le=65536,
        ),
    ] = 64
    loop: Annotated[
        Literal["asyncio", "uvloop"],
        _help(
            "Event loop of `chatdesk serve`: `asyncio` (default) or `uvloop` (needs the "
            "`fast` extra: `pip install 'chatdesk[fast]'`)."
        ),
    ] = "asyncio"
    gc: Annotated[
        Literal["steps", "python"],
        _help(
            "Garbage collection of `chatdesk serve`: `steps` (default) freezes long-lived "
            "objects every few seconds so that full collections stay short with many "
            "connections; `python` leaves CPython's collector as it is after start-up."
        ),
    ] = "steps"
    bot_encoder: Annotated[
        Literal["process", "thread"],
        _help(
            "Where the server's bot encodes questions: `process` (default) in a child "
            "process 5 niceness levels below the server, so the event loop keeps the GIL and "
            "goes first for the CPU; "
            "`thread` on the bot's threads inside the server process."
        ),
    ] = "process"
    redis_url: Annotated[
        str,
        _help("Redis URL (`redis://host:6379/0`) for the redis store and multi-process fan-out."),
    ] = ""
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], _help("Logging level.")] = (
        "INFO"
    )
    database_url: Annotated[
        str,
        _help(
            "Where the desk's records live: `postgresql://user:password@host:5432/db` for "
            "PostgreSQL, `sqlite:///path` for a SQLite file. Empty: SQLite in DATA_DIR."
        ),
    ] = ""
    database_pool_size: Annotated[
        int,
        _help("Most connections each process opens to PostgreSQL at once.", ge=1, le=1000),
    ] = 10
    api_requests_per_minute: Annotated[
        int,
        _help("Requests a minute one REST API token (or client address) may make.", ge=1),
    ] = 120
    altcha_cost: Annotated[
        int,
        _help(
            "Work of the web form's anti-robot check (ALTCHA): PBKDF2 iterations per "
            "attempt; a browser makes about 256 attempts (well under a second at 5000).",
            ge=1,
            le=1_000_000,
        ),
    ] = 5000
    smtp_url: Annotated[
        str,
        _help(
            "Outgoing mail server: `smtp://user:pass@host:587?starttls=1`, or `smtps://…:465` "
            "for TLS from the start. Empty: e-mail is off (the console says so)."
        ),
    ] = ""
    mail_from: Annotated[
        str,
        _help("The desk's sender, `Acme Support <support@acme.example>` (needed with SMTP)."),
    ] = ""
    mail_in_listen: Annotated[
        str,
        _help(
            "`host:port` where `serve` receives incoming mail over SMTP (the MTA forwards the "
            "support address there). Empty: no receiver."
        ),
    ] = ""
    imap_url: Annotated[
        str,
        _help(
            "A mailbox to poll for incoming mail, for desks on hosted e-mail: "
            "`imaps://user:pass@host:993/INBOX` (password URL-encoded; folder from the path, "
            "default INBOX), or `imap://…?starttls=1`. Empty: no polling."
        ),
    ] = ""
    imap_poll: Annotated[
        int,
        _help("Seconds between two looks at the IMAP mailbox.", ge=5, le=3600),
    ] = 60
    public_url: Annotated[
        str,
        _help(
            "The desk's public base URL (`https://desk.example.com`), for links in e-mails "
            "(needed with SMTP)."
        ),
    ] = ""
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
    front_page: Annotated[
        Literal["help", "support", "demo"],
        _help(
            "What `/` shows: `help` (default: redirects to the help centre), `support` "
            "(redirects to the ticket form) or `demo` (the fictitious demo site with the "
            "widget, as `make run` sets)."
        ),
    ] = "help"

    oidc_issuer: Annotated[
        str,
        _help(
            "Single sign-on for operators: the OpenID Connect provider's issuer URL "
            "(`https://sso.example.com/realms/support`). Empty: passwords only."
        ),
    ] = ""
    oidc_client_id: Annotated[str, _help("The desk's client id at the OIDC provider.")] = ""
    oidc_client_secret: Annotated[
        str, _help("The desk's client secret at the OIDC provider (never printed).")
    ] = ""
    oidc_name: Annotated[
        str,
        _help("The provider's name on the sign-in button (`Sign in with NAME`).", max_length=40),
    ] = "SSO"

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``), then ``env_file``.

        :raises ConfigError: naming the variable when a value is malformed.
        """
        values = dict(read_env_file(env_file)) if env_file is not None else {}
        values.update(os.environ if environ is None else environ)
        raw: dict[str, Any] = {}
        for name, kind in _FIELDS.items():
            text = values.get(_PREFIX + name.upper())
            if text is not None:
                raw[name] = prepare_value(text.strip(), kind)
        try:
            settings = msgspec.convert(raw, cls, strict=False, dec_hook=as_path)
        except msgspec.ValidationError as exc:
            raise ConfigError(explain_error(exc, values)) from None
        settings.validate()
        return settings

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks: never the secret.
        shown = {**msgspec.structs.asdict(self), "secret_key": "***" if self.secret_key else ""}
        if "@" in self.smtp_url:  # the SMTP password is a secret too
            shown["smtp_url"] = "***@" + self.smtp_url.rpartition("@")[2]
        if "@" in self.imap_url:
            shown["imap_url"] = "***@" + self.imap_url.rpartition("@")[2]
        if self.oidc_client_secret:
            shown["oidc_client_secret"] = "***"  # noqa: S105 (the mask, not a secret)
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def validate(self) -> None:
        """Check cross-field rules; raise :class:`ConfigError` naming the variable."""
        if self.store == "redis":
            raise ConfigError(
                "CHATDESK_STORE=redis is not a store: Redis carries what travels between "
                "processes (set CHATDESK_REDIS_URL for that); the desk's records live in "
                "SQLite (the default) or PostgreSQL (CHATDESK_DATABASE_URL=postgresql://...)"
            )
        url_backend = database_backend(self.database_url) if self.database_url else "sqlite"
        if self.store == "postgresql" and url_backend != "postgresql":
            raise ConfigError(
                "CHATDESK_STORE=postgresql needs CHATDESK_DATABASE_URL=postgresql://..."
            )
        if self.store == "sqlite" and url_backend != "sqlite":
            raise ConfigError(
                "CHATDESK_STORE=sqlite contradicts CHATDESK_DATABASE_URL (a PostgreSQL URL); "
                "unset one of them"
            )
        if not self.transports:
            raise ConfigError("CHATDESK_TRANSPORTS needs `polling`, `websocket` or both")
        if self.loop == "uvloop" and importlib.util.find_spec("uvloop") is None:
            raise ConfigError(
                "CHATDESK_LOOP=uvloop needs uvloop: pip install 'chatdesk[fast]' "
                "(or unset CHATDESK_LOOP for asyncio's own loop)"
            )
        validate_mail(self)
        validate_oidc(self)

    @property
    def backend(self) -> Literal["sqlite", "postgresql"]:
        """Return the storage backend in use (CHATDESK_STORE, else the URL's)."""
        if self.store == "postgresql" or (
            self.database_url and database_backend(self.database_url) == "postgresql"
        ):
            return "postgresql"
        return "sqlite"

    @property
    def sso_name(self) -> str:
        """The single sign-on provider's name on the console's pages ("" when there is none)."""
        return self.oidc_name if self.oidc_issuer else ""

    @property
    def sqlite_path(self) -> Path:
        """Return the SQLite file: the URL's, or ``chatdesk.sqlite3`` in the data dir."""
        if self.database_url and database_backend(self.database_url) == "sqlite":
            return sqlite_path(self.database_url)
        return self.data_dir / "chatdesk.sqlite3"

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` (validated like the original)."""
        return msgspec.convert(
            {**msgspec.structs.asdict(self), **changes}, Settings, dec_hook=as_path
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
            rows.append((_PREFIX + field.name.upper(), str(default), description_of(field.type)))
        return rows


#: Each setting's type, without its Annotated help.
_FIELDS: dict[str, Any] = {
    name: typing.get_args(kind)[0] if typing.get_origin(kind) is Annotated else kind
    for name, kind in typing.get_type_hints(Settings, include_extras=True).items()
}
