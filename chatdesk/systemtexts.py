"""What the desk itself says in a conversation (system messages), in fr, nl and en."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta

__all__ = ["ENDONYMS", "format_ago", "format_day", "format_when", "system_text"]

#: Each language by its own name (a language menu, a requester's language).
ENDONYMS = {"fr": "Français", "nl": "Nederlands", "en": "English"}

_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "ticket_opened": "Votre demande porte le numéro {ticket}.",
        "queued": "Un membre de l'équipe va vous répondre ; restez dans cette conversation.",
        "waiting": "Notre équipe n'est pas disponible pour le moment. Nous vous répondrons au "
        "plus tard le {due}. Laissez-nous votre e-mail pour recevoir la réponse.",
        "operator_joined": "{operator} a rejoint la conversation.",
        "operator_left": "{operator} a dû s'absenter ; vous retournez dans la file d'attente.",
        "transferred_operator": "{operator} reprend votre conversation.",
        "transferred_department": "Votre conversation est transférée au service {department}.",
        "handed_back": "{operator} vous repasse à l'assistant. Posez-lui vos autres questions.",
        "closed": "{operator} a clôturé la conversation. Merci ! Comment l'évaluez-vous ?",
        "reopened": "{operator} a rouvert la conversation.",
        "blocked": "{operator} a mis fin à la conversation. Ce chat vous est fermé jusqu'au "
        "{until}.",
        "unblocked": "{operator} a levé le blocage : ce chat vous est de nouveau ouvert.",
        "noted": "Merci, votre message est transmis à l'équipe avec votre demande. "
        "Nous vous répondons ici.",
    },
    "nl": {
        "ticket_opened": "Uw aanvraag heeft het nummer {ticket}.",
        "queued": "Een medewerker antwoordt u zo meteen; blijf in dit gesprek.",
        "waiting": "Ons team is momenteel niet beschikbaar. We antwoorden u uiterlijk op {due}. "
        "Laat uw e-mailadres achter om het antwoord te ontvangen.",
        "operator_joined": "{operator} neemt deel aan het gesprek.",
        "operator_left": "{operator} moest weg; u staat opnieuw in de wachtrij.",
        "transferred_operator": "{operator} neemt uw gesprek over.",
        "transferred_department": "Uw gesprek wordt doorgestuurd naar de dienst {department}.",
        "handed_back": "{operator} geeft u terug aan de assistent voor uw andere vragen.",
        "closed": "{operator} heeft het gesprek afgesloten. Bedankt! Hoe beoordeelt u het?",
        "reopened": "{operator} heeft het gesprek heropend.",
        "blocked": "{operator} heeft het gesprek beëindigd. Deze chat is voor u gesloten tot "
        "{until}.",
        "unblocked": "{operator} heeft de blokkering opgeheven: deze chat staat weer voor u open.",
        "noted": "Bedankt, uw bericht is bij uw aanvraag aan het team bezorgd. "
        "We antwoorden u hier.",
    },
    "en": {
        "ticket_opened": "Your request has the number {ticket}.",
        "queued": "Someone from our team will answer you shortly; stay in this conversation.",
        "waiting": "Our team is not available right now. We will answer you by {due} at the "
        "latest. Leave us your e-mail address to receive the answer.",
        "operator_joined": "{operator} joined the conversation.",
        "operator_left": "{operator} had to leave; you are back in the queue.",
        "transferred_operator": "{operator} is taking over your conversation.",
        "transferred_department": "Your conversation is transferred to the {department} team.",
        "handed_back": "{operator} hands you back to the assistant for your other questions.",
        "closed": "{operator} closed the conversation. Thank you! How would you rate it?",
        "reopened": "{operator} reopened the conversation.",
        "blocked": "{operator} ended the conversation. This chat is closed to you until {until}.",
        "unblocked": "{operator} lifted the block: this chat is open to you again.",
        "noted": "Thank you, your message has reached our team with your request. "
        "We will answer you here.",
    },
}


def system_text(lang: str, key: str, **values: Any) -> str:
    """Return the system text ``key`` in ``lang`` (English if unknown), filled in."""
    catalog = _TEXTS.get(lang, _TEXTS["en"])
    return catalog[key].format(**values)


def format_day(at: datetime, lang: str, timezone: ZoneInfo) -> str:
    """Return the day of ``at`` as people say it in ``lang``: "lundi 23 novembre"."""
    return str(format_datetime(at, "EEEE d MMMM", tzinfo=timezone, locale=lang))


def format_when(at: datetime, lang: str, timezone: ZoneInfo) -> str:
    """Return ``at`` as people say it in ``lang``: "lundi 23 novembre, 11:00"."""
    return str(format_datetime(at, "EEEE d MMMM, HH:mm", tzinfo=timezone, locale=lang))


def format_ago(at: datetime, now: datetime, lang: str) -> str:
    """Return how long before ``now`` ``at`` was, in ``lang``: "il y a 3 jours" (the same
    millisecond, or later: "1 minute ago", never "in 0 minutes")."""
    ago = min(at - now, -timedelta(milliseconds=1))
    return str(format_timedelta(ago, granularity="minute", add_direction=True, locale=lang))
