"""The shape of ``chatdesk.toml``, as msgspec structs: unknown keys and wrong types refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from .errors import ConfigError

__all__ = [
    "DEFAULT_COLOUR",
    "AttachmentsSection",
    "DeskFile",
    "DeskSection",
    "EmailSection",
    "FieldOption",
    "FieldSection",
    "HelpdeskSection",
    "HoursSection",
    "PhoneSection",
    "PrioritySection",
    "PrivacySection",
    "RequiredWhen",
    "RoutingSection",
    "RuleSection",
    "RuleThen",
    "RuleWhen",
    "SecuritySection",
    "TargetsSection",
    "WebhookSection",
    "read_desk_file",
]

Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DEFAULT_DEPARTMENTS = ["general", "technical", "billing", "sales"]
TypeName = Literal["question", "incident", "idea", "complaint"]
PriorityName = Literal["urgent", "high", "normal", "low"]
#: Text per language: ``{ fr = "…", nl = "…", en = "…" }``.
Texts = dict[Literal["fr", "nl", "en"], str]


class _Section(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A table of the file: every key optional, unknown keys refused."""


DEFAULT_COLOUR = "#1d4ed8"


class DeskSection(_Section):
    """``[desk]``: the desk's name, departments and colour."""

    name: str = "chatdesk"
    departments: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_DEPARTMENTS))
    default_department: str | None = None
    #: The brand colour of the desk's public pages (help centre): ``#rgb`` or ``#rrggbb``.
    colour: Annotated[str, msgspec.Meta(pattern=r"^#(?:[0-9a-fA-F]{3}){1,2}$")] = DEFAULT_COLOUR
    #: The chat widget on the help centre's pages (readers ask the bot, then a person).
    help_chat: bool = False


class HoursSection(_Section):
    """``[hours]``: when the desk is open (local times in ``timezone``)."""

    timezone: str = "Europe/Brussels"
    holidays: str = "BE"
    #: Extra closed dates: TOML dates or ISO strings ("2026-12-24").
    closed: list[Any] = msgspec.field(default_factory=list)
    #: Opening blocks per day ("09:00-12:30"); absent: Monday to Friday, 9:00-18:00.
    week: dict[Day, list[str]] | None = None


class PhoneSection(_Section):
    """``[phone]``: the desk's phone line, shown with tickets of some priorities."""

    #: As people dial it: ``+33 1 84 80 12 34``. Empty: no phone line is shown.
    number: Annotated[str, msgspec.Meta(pattern=r"^(\+?[0-9][0-9 ./()-]{4,28}[0-9])?$")] = ""
    #: When it is answered on business days ("09:00-12:00"); empty: the desk's hours.
    hours: list[str] = msgspec.field(default_factory=list)
    #: The priorities whose confirmation (page and e-mail) shows the line.
    priorities: list[PriorityName] = msgspec.field(default_factory=lambda: ["urgent"])


class TargetsSection(_Section):
    """``[targets]``: first-response targets per priority (``30m``, ``4h``, ``2d``)."""

    urgent: str | None = None
    high: str | None = None
    normal: str | None = None
    low: str | None = None


class RoutingSection(_Section):
    """``[routing]``: how queued conversations reach operators."""

    auto_assign: bool = False
    accept_timeout: str | None = None
    offline_grace: str | None = None
    default_capacity: Annotated[int, msgspec.Meta(ge=1, le=50)] = 3


class HelpdeskSection(_Section):
    """``[helpdesk]``: who may file, which types, what stops the clocks, auto-close."""

    access: Literal["open", "customers"] = "open"
    types: list[TypeName] = msgspec.field(
        default_factory=lambda: ["question", "incident", "idea", "complaint"]
    )
    #: The priorities the form and the API offer, in this order.
    priorities: list[PriorityName] = msgspec.field(
        default_factory=lambda: ["urgent", "high", "normal", "low"]
    )
    first_response: Literal["human_reply", "registration_notice"] = "human_reply"
    auto_close: str = "5 business days"
    sla_warning: Annotated[float, msgspec.Meta(gt=0, lt=1)] = 0.8
    #: What the web form requires besides the e-mail address (``name``, ``phone``).
    form_requires: list[Literal["name", "phone"]] = msgspec.field(default_factory=list)
    #: Editors per site when the organisation sets no cap of its own (``seats`` fields).
    max_editors_per_site: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None


class PrioritySection(_Section):
    """``[priorities.<name>]``: targets, calendar and plain-language texts of a priority."""

    first_response: str | None = None
    resolution: str | None = None
    calendar: Literal["business", "24/7"] = "business"
    label: Texts = msgspec.field(default_factory=dict)
    definition: Texts = msgspec.field(default_factory=dict)


class DepartmentSection(_Section):
    """``[departments.<id>]``: what people read for a department (its id stays in data),
    and its own opening hours when they differ from the desk's."""

    label: Texts = msgspec.field(default_factory=dict)
    #: ``"24/7"``, or its opening blocks per day (``[departments.<id>.hours]``, as in
    #: ``[hours.week]``; the desk's time zone, holidays and closed dates); absent: the
    #: desk's ``[hours]``.
    hours: str | dict[Day, list[str]] | None = None


class FieldOption(_Section):
    """One choice of a ``select`` field."""

    value: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    label: Texts = msgspec.field(default_factory=dict)


class RequiredWhen(_Section):
    """A field required only for these types and/or priorities (either matches)."""

    types: list[TypeName] = msgspec.field(default_factory=list)
    priorities: list[PriorityName] = msgspec.field(default_factory=list)


class FieldSection(_Section):
    """``[[fields]]``: a custom field of the ticket form, in form order."""

    id: str
    type: Literal["text", "textarea", "url", "ip_or_order", "datetime", "select"]
    label: Texts = msgspec.field(default_factory=dict)
    pattern: str | None = None
    options: list[FieldOption] = msgspec.field(default_factory=list)
    required: bool | RequiredWhen = False
    #: The ticket types the field is asked for (empty: every type).
    types: list[TypeName] = msgspec.field(default_factory=list)
    seats: bool = False


class AttachmentsSection(_Section):
    """``[attachments]``: size limits per file and per ticket (``10MB``, ``500kB``)."""

    max_file: str = "10MB"
    max_ticket: str = "25MB"


class EmailSection(_Section):
    """``[email]``: unknown senders, the colour of e-mails, addresses per department."""

    unknown_senders: Literal["create", "reject", "verify"] = "create"
    colour: str = ""  # empty: the desk's colour ([desk] colour)
    #: ``"billing@example.com" = "billing"``: new tickets sent to it go to that department.
    addresses: dict[str, str] = msgspec.field(default_factory=dict)
    registered_only: list[str] = msgspec.field(default_factory=list)
    sender_limit: str = "20/hour"
    reminder: str = "1 business day"
    #: Operators get mail about their tickets (answers, assignments, targets at risk).
    notify_operators: bool = True
    #: A ticket's mail goes out from the desk's address, or from its department's
    #: (the first of ``addresses`` naming it).
    reply_from: Literal["desk", "department"] = "desk"
    #: Last week's figures mailed to admins and service managers on Monday morning.
    weekly_report: bool = False


class WebhookSection(_Section):
    """``[[webhooks]]``: an endpoint that receives the tickets' changes (docs/webhooks.md)."""

    name: str
    url: str
    events: list[str] = msgspec.field(default_factory=lambda: ["*"])


ChannelName = Literal["form", "email", "api", "phone"]


class RuleWhen(_Section):
    """``[rules.when]``: what a new ticket must show for its rule to act (every key given
    must match; a key's list matches when any of its items does)."""

    channel: list[ChannelName] = msgspec.field(default_factory=list)
    #: Words or phrases of the subject or the first message (case and accents ignored).
    words: list[str] = msgspec.field(default_factory=list)
    #: The requester's address, as patterns: ``*@client.example``.
    requester: list[str] = msgspec.field(default_factory=list)
    #: The requester's organisation, by name.
    organisation: list[str] = msgspec.field(default_factory=list)
    lang: list[Literal["fr", "nl", "en"]] = msgspec.field(default_factory=list)
    type: list[TypeName] = msgspec.field(default_factory=list)
    priority: list[PriorityName] = msgspec.field(default_factory=list)
    department: list[str] = msgspec.field(default_factory=list)
    #: A custom field's value among these: ``{ product = ["vps", "dedicated"] }``.
    fields: dict[str, list[str]] = msgspec.field(default_factory=dict)


class RuleThen(_Section):
    """``[rules.then]``: what the rule sets on the ticket before it is stored."""

    department: str | None = None
    priority: PriorityName | None = None
    type: TypeName | None = None
    #: Added to the ticket's tags.
    tags: list[str] = msgspec.field(default_factory=list)
    #: An operator, by e-mail address.
    assign: str | None = None


class RuleSection(_Section):
    """``[[rules]]``: what the desk does by itself to a new ticket (docs/helpdesk.md)."""

    name: str
    when: RuleWhen = msgspec.field(default_factory=RuleWhen)
    then: RuleThen = msgspec.field(default_factory=RuleThen)


class SecuritySection(_Section):
    """``[security]``: what the console asks of operators."""

    #: Two-step sign-in: each operator's choice, required of admins, or of everyone.
    two_factor: Literal["optional", "admins", "everyone"] = "optional"
    #: Who may sign in with a password: everyone, or admins only (the others through
    #: single sign-on, so that closing their organisation's account closes the desk's).
    password_sign_in: Literal["everyone", "admins"] = "everyone"  # noqa: S105 (who)


class PrivacySection(_Section):
    """``[privacy]``: how long the desk keeps what people wrote (0: for ever)."""

    #: Chats that never became a ticket are deleted this many days after their last message.
    delete_chats_after_days: Annotated[int, msgspec.Meta(ge=0, le=36500)] = 0
    #: Closed tickets are anonymised this many days after they closed.
    anonymise_tickets_after_days: Annotated[int, msgspec.Meta(ge=0, le=36500)] = 0


class DeskFile(_Section):
    """The whole file."""

    desk: DeskSection = msgspec.field(default_factory=DeskSection)
    hours: HoursSection = msgspec.field(default_factory=HoursSection)
    targets: TargetsSection = msgspec.field(default_factory=TargetsSection)
    routing: RoutingSection = msgspec.field(default_factory=RoutingSection)
    helpdesk: HelpdeskSection = msgspec.field(default_factory=HelpdeskSection)
    priorities: dict[PriorityName, PrioritySection] = msgspec.field(default_factory=dict)
    departments: dict[str, DepartmentSection] = msgspec.field(default_factory=dict)
    fields: list[FieldSection] = msgspec.field(default_factory=list)
    attachments: AttachmentsSection = msgspec.field(default_factory=AttachmentsSection)
    email: EmailSection = msgspec.field(default_factory=EmailSection)
    phone: PhoneSection = msgspec.field(default_factory=PhoneSection)
    security: SecuritySection = msgspec.field(default_factory=SecuritySection)
    privacy: PrivacySection = msgspec.field(default_factory=PrivacySection)
    webhooks: list[WebhookSection] = msgspec.field(default_factory=list)
    rules: list[RuleSection] = msgspec.field(default_factory=list)


def read_desk_file(path: Path) -> DeskFile:
    """Read and check the shape of ``path``.

    :raises ConfigError: naming the file, the table and the key at fault.
    """
    try:
        return msgspec.toml.decode(path.read_bytes(), type=DeskFile)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{path}: {explain(exc)}") from None
    except (msgspec.DecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


_AT = re.compile(r"^(?P<reason>.*) - at `\$(?P<path>[^`]*)`$")


def explain(error: msgspec.ValidationError) -> str:
    """Say msgspec's complaint in the file's words: ``[routing] default_capacity: …``."""
    match = _AT.match(str(error))
    if match is None:
        return str(error)
    reason = match["reason"]
    parts = [p for p in re.split(r"\.|\[[^\]]*\]", match["path"]) if p]
    unknown = re.match(r"Object contains unknown field `(.*)`", reason)
    if unknown:
        section = ".".join(parts)
        return (
            f"[{section}] unknown key {unknown[1]!r}" if section else f"unknown key {unknown[1]!r}"
        )
    reason = reason[0].lower() + reason[1:]
    if len(parts) <= 1:
        return f"[{'.'.join(parts)}] {reason}"
    return f"[{'.'.join(parts[:-1])}] {parts[-1]}: {reason}"
