"""Validation of the operators' socket payloads (same rules as payloads.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..config import LANGUAGES
from ..errors import InvalidPayload
from .payloads import fields, message_text, optional_str, required_str

__all__ = [
    "TextIn",
    "TransferIn",
    "parse_canned",
    "parse_conversation",
    "parse_inbox",
    "parse_status",
    "parse_text",
    "parse_transfer",
    "parse_typing_in",
]

_ID = 100
_SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


@dataclass(frozen=True, slots=True)
class TextIn:
    """An operator's ``message`` or ``note``."""

    conversation_id: str
    text: str
    client_id: str | None


@dataclass(frozen=True, slots=True)
class TransferIn:
    """A ``transfer``: to an operator or to a department."""

    conversation_id: str
    operator_id: str | None
    department: str | None


def parse_conversation(data: Any, event: str) -> str:
    """Validate ``{"conversation_id": str}``."""
    fields(data, event, required={"conversation_id"})
    return required_str(data, "conversation_id", _ID)


def parse_status(data: Any) -> str:
    """Validate ``status``: ``{"status": "online" | "away"}``."""
    fields(data, "status", required={"status"})
    status = required_str(data, "status", 10)
    if status not in ("online", "away"):
        raise InvalidPayload("`status` must be online or away")
    return status


def parse_inbox(data: Any) -> str:
    """Validate ``inbox``: ``{"view": "queue" | "mine" | "all"}``."""
    fields(data, "inbox", required={"view"})
    view = required_str(data, "view", 10)
    if view not in ("queue", "mine", "all"):
        raise InvalidPayload("`view` must be queue, mine or all")
    return view


def parse_text(data: Any, event: str, max_length: int) -> TextIn:
    """Validate ``message`` (client_id required) or ``note`` (client_id optional)."""
    required = {"conversation_id", "text"} | ({"client_id"} if event == "message" else set())
    fields(data, event, required=required, optional={"client_id"})
    return TextIn(
        required_str(data, "conversation_id", _ID),
        message_text(data, max_length),
        optional_str(data, "client_id", _ID),
    )


def parse_typing_in(data: Any) -> tuple[str, bool]:
    """Validate an operator's ``typing``: ``{"conversation_id", "on": bool}``."""
    fields(data, "typing", required={"conversation_id", "on"})
    if not isinstance(data["on"], bool):
        raise InvalidPayload("`on` must be true or false")
    return required_str(data, "conversation_id", _ID), data["on"]


def parse_transfer(data: Any) -> TransferIn:
    """Validate ``transfer``: a conversation and exactly one of operator_id, department."""
    fields(data, "transfer", required={"conversation_id"}, optional={"operator_id", "department"})
    transfer = TransferIn(
        required_str(data, "conversation_id", _ID),
        optional_str(data, "operator_id", _ID),
        optional_str(data, "department", 50),
    )
    if (transfer.operator_id is None) == (transfer.department is None):
        raise InvalidPayload("give exactly one of `operator_id` and `department`")
    return transfer


def parse_canned(data: Any, *, need_text: bool) -> tuple[str, str, str]:
    """Validate ``canned_save`` ``{shortcut, lang, text}`` or ``canned_delete``."""
    event = "canned_save" if need_text else "canned_delete"
    fields(data, event, required={"shortcut", "lang"} | ({"text"} if need_text else set()))
    shortcut = required_str(data, "shortcut", 30)
    if not _SHORTCUT.match(shortcut):
        raise InvalidPayload("`shortcut`: lowercase letters, digits, - and _ (up to 30)")
    lang = required_str(data, "lang", 5)
    if lang not in LANGUAGES:
        raise InvalidPayload(f"`lang` must be one of: {', '.join(LANGUAGES)}")
    text = required_str(data, "text", 4000).strip() if need_text else ""
    if need_text and not text:
        raise InvalidPayload("`text` must not be empty")
    return shortcut, lang, text
