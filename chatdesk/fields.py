"""Custom ticket fields: each value checked by its type, refused in the requester's language."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from .errors import InvalidFields
from .helpdeskconfig import FieldSpec

__all__ = ["MAX_LONG_VALUE", "MAX_VALUE", "field_message", "shown_fields", "validate_fields"]

#: Longest value of a custom field, in characters; a ``textarea`` field's (several lines:
#: an error message, a traceroute) is longer.
MAX_VALUE = 500
MAX_LONG_VALUE = 5000
_ORDER = re.compile(r"#?\d{6}")

_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "required": "Ce champ est obligatoire.",
        "unknown": "Ce champ n'existe pas.",
        "too_long": "Ce texte est trop long ({max} caractères au plus).",
        "pattern": "Cette valeur n'a pas le format attendu.",
        "url": "Indiquez une adresse web complète (http:// ou https://).",
        "ip_or_order": "Indiquez une adresse IP ou un numéro de commande (6 chiffres).",
        "datetime": "Indiquez une date et une heure avec le fuseau horaire "
        "(2026-11-17T10:30+01:00).",
        "select": "Choisissez une des options proposées.",
    },
    "nl": {
        "required": "Dit veld is verplicht.",
        "unknown": "Dit veld bestaat niet.",
        "too_long": "Deze tekst is te lang (hoogstens {max} tekens).",
        "pattern": "Deze waarde heeft niet het verwachte formaat.",
        "url": "Geef een volledig webadres (http:// of https://).",
        "ip_or_order": "Geef een IP-adres of een bestelnummer (6 cijfers).",
        "datetime": "Geef een datum en uur met de tijdzone (2026-11-17T10:30+01:00).",
        "select": "Kies een van de voorgestelde opties.",
    },
    "en": {
        "required": "This field is required.",
        "unknown": "There is no such field.",
        "too_long": "This text is too long ({max} characters at most).",
        "pattern": "This value does not have the expected format.",
        "url": "Give a complete web address (http:// or https://).",
        "ip_or_order": "Give an IP address or an order number (6 digits).",
        "datetime": "Give a date and time with its time zone (2026-11-17T10:30+01:00).",
        "select": "Choose one of the options offered.",
    },
}


def field_message(key: str, lang: str, *, longest: int = MAX_VALUE) -> str:
    """Return the message ``key`` in ``lang`` (English when the language is unknown);
    ``longest``: the field's longest value, for ``too_long``."""
    return _MESSAGES.get(lang, _MESSAGES["en"])[key].replace("{max}", str(longest))


def validate_fields(
    specs: Sequence[FieldSpec],
    values: Mapping[str, str],
    *,
    type_: str,
    priority: str,
    lang: str,
) -> dict[str, str]:
    """Return the cleaned values (blank ones dropped, normalised per type).

    :raises InvalidFields: with every wrong field and its message in ``lang``.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    known = {spec.id for spec in specs}
    for name in values:
        if name not in known:
            errors[name] = field_message("unknown", lang)
    for spec in specs:
        raw = values.get(spec.id)
        text = raw.strip() if isinstance(raw, str) else ""
        if spec.type == "textarea":  # lines as a browser posts them (CRLF) or a mail has
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text:
            if spec.required_for(type_, priority):
                errors[spec.id] = field_message("required", lang)
            continue
        problem, value = _check(spec, text)
        if problem:
            errors[spec.id] = field_message(problem, lang, longest=_longest(spec))
        else:
            cleaned[spec.id] = value
    if errors:
        raise InvalidFields(errors)
    return cleaned


def _longest(spec: FieldSpec) -> int:
    return MAX_LONG_VALUE if spec.type == "textarea" else MAX_VALUE


def _check(spec: FieldSpec, text: str) -> tuple[str | None, str]:
    """Return (problem key or None, normalised value)."""
    if len(text) > _longest(spec):
        return "too_long", text
    if spec.type == "textarea":
        return None, text
    if spec.type == "text":
        # The whole value must match (a pattern without anchors is anchored).
        ok = spec.pattern is None or re.fullmatch(spec.pattern, text) is not None
        return (None if ok else "pattern"), text
    if spec.type == "url":
        parts = urlsplit(text)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in text
        return (None if ok else "url"), text
    if spec.type == "ip_or_order":
        if _ORDER.fullmatch(text):
            return None, text if text.startswith("#") else f"#{text}"
        try:
            return None, str(ipaddress.ip_address(text))
        except ValueError:
            return "ip_or_order", text
    if spec.type == "datetime":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return "datetime", text
        if moment.tzinfo is None or "T" not in text.upper().replace(" ", "T"):
            return "datetime", text
        return None, moment.isoformat()
    ok = any(text == value for value, _ in spec.options)
    return (None if ok else "select"), text


def _text(texts: Mapping[str, str], lang: str, fallback: str) -> str:
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), fallback)


def shown_fields(
    specs: Sequence[FieldSpec], values: Mapping[str, str], lang: str
) -> list[tuple[str, str]]:
    """Return a ticket's custom fields as people read them: (label, value) in the desk's
    order, a choice by its label; a field the desk no longer has, by its id."""
    shown = []
    for spec in specs:
        if spec.id in values:
            value = values[spec.id]
            options = {v: _text(label, lang, v) for v, label in spec.options}
            shown.append((_text(spec.label, lang, spec.id), options.get(value, value)))
    known = {spec.id for spec in specs}
    return shown + [(key, value) for key, value in values.items() if key not in known]
