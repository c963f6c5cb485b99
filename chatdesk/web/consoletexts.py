"""The texts of the console's server-rendered pages, in French, Dutch and English."""

from __future__ import annotations

import json
from pathlib import Path

from .admintexts import ADMIN_TEXTS

__all__ = ["CONSOLE_TEXTS", "TICKET_TEXTS"]

#: The ticket views', ticket page's and reports' texts: one file read by the server and
#: bundled into console.js, so both sides say the same.
TICKET_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "tickettexts.json").read_text(encoding="utf-8")
)
#: The operator's own account page (``/console/account``).
_ACCOUNT_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "accounttexts.json").read_text(encoding="utf-8")
)
#: The operators page (``/console/operators``, admins).
_OPERATOR_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "operatortexts.json").read_text(encoding="utf-8")
)
#: The privacy page (``/console/privacy``, admins).
_PRIVACY_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "privacytexts.json").read_text(encoding="utf-8")
)
#: The webhooks page (``/console/webhooks``, admins).
_HOOK_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "hooktexts.json").read_text(encoding="utf-8")
)
#: The rules page (``/console/rules``, admins).
_RULE_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "ruletexts.json").read_text(encoding="utf-8")
)
#: The block list page (``/console/blocked``, admins) and the ticket page's spam form.
_BLOCK_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "blocktexts.json").read_text(encoding="utf-8")
)
#: The requesters' directory and a requester's page.
_REQUESTER_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "requestertexts.json").read_text(encoding="utf-8")
)
#: The bot's misses page (``/console/gaps``), in its own file to keep this one readable.
_GAPS_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "gapstexts.json").read_text(encoding="utf-8")
)

_EN = {
    "console": "console",
    "lists": "Lists",
    "view_queue": "Queue",
    "view_mine": "Mine",
    "view_all": "All",
    "canned": "Canned responses",
    "email_page": "E\u2011mail",  # a no-break hyphen: one word in the tabs
    "presence_title": "Toggle online / away",
    "status_online": "online",
    "status_away": "away",
    "status_offline": "offline",
    "logout": "Log out",
    "language": "Language",
    "change": "Change",
    "alerts": "Turn on alerts",
    "offer_title": "A conversation is offered to you",
    "accept": "Accept",
    "decline": "Decline",
    "mode_bot": "bot",
    "mode_queued": "queued",
    "mode_live": "live",
    "mode_waiting": "waiting",
    "mode_closed": "closed",
    "priority_urgent": "urgent",
    "priority_high": "high",
    "priority_normal": "normal",
    "priority_low": "low",
    "author_visitor": "visitor",
    "author_bot": "bot",
    "author_operator": "operator",
    "author_system": "system",
    "no_ticket_subject": "(no ticket)",
    "canned_help": "Type /shortcut in the composer to insert one (in the conversation's "
    "language first). {first_name}, {name}, {operator} and {ticket} are filled in: "
    '"Hello {first_name}," becomes "Hello Zoé,".',
    "shortcut": "Shortcut",
    "text": "Text",
    "delete": "Delete",
    "none_yet": "None yet.",
    "add_or_replace": "Add or replace",
    "save": "Save",
    "conversation": "Conversation",
    "messages": "Messages",
    "visitor_typing": "The visitor is typing…",
    "reply_label": "Reply to the visitor",
    "reply_placeholder": "Reply… (Enter sends, Shift+Enter new line, /shortcut for canned "
    "responses)",
    "send": "Send",
    "claim": "Claim",
    "close": "Close",
    "handback": "Hand back to the bot",
    "reopen": "Reopen",
    "transfer": "Transfer…",
    "to_department": "To a department",
    "to_operator": "To an operator",
    "transfer_button": "Transfer",
    "block": "Block the visitor",
    "block_for": "For",
    "blocked_until": "This visitor is blocked until",
    "unblock_button": "Lift the block",
    "block_days_1": "a day",
    "block_days_7": "a week",
    "block_days_30": "30 days",
    "block_button": "End and block",
    "block_hint": "For abuse: the chat ends and this visitor's widget is refused until then "
    "(a visitor who clears their browser comes back as someone new).",
    "ticket": "Ticket",
    "subject": "Subject",
    "priority": "Priority",
    "department": "Department",
    "status": "Status",
    "first_reply_due": "First reply due",
    "first_reply": "First reply",
    "requester": "Requester",
    "description": "Description",
    "rating": "Rating",
    "no_ticket": "No ticket.",
    "ticket_new": "new",
    "ticket_open": "open",
    "ticket_resolved": "resolved",
    "ticket_pending": "pending",
    "ticket_on_hold": "on hold",
    "ticket_closed": "closed",
    "visitor": "Visitor",
    "page": "Page",
    "mode": "Mode",
    "notes": "Private notes",
    "note_label": "Add a private note",
    "note_placeholder": "Private note (never sent to the visitor)",
    "add_note": "Add note",
    "suggestions_seen": "Options shown:",
    "reason_closed": "This conversation is closed. Reopen it to write to the visitor.",
    "reason_claim": "Claim this conversation to reply.",
    "reason_other": "{name} is handling this conversation.",
    "reason_bot": "The bot is answering this conversation.",
    "list_label": "{view}: conversations",
    "empty": "Nothing here right now.",
    "keys": "Keys:",
    "keys_lists": "lists",
    "keys_move": "move",
    "keys_open": "open",
    "log_in": "Log in",
    "operator_console": "Operator console",
    "email": "E-mail",
    "password": "Password",
    "wrong_login": "Wrong e-mail or password.",
    "too_many_logins": "Too many failed logins; try again in 15 minutes.",
    "hold_until": "On hold until",
    "hold_help": "Optional. On that date the ticket opens again and its assignee is told. "
    "Empty: no date.",
}

_FR = {
    "console": "console",
    "lists": "Listes",
    "view_queue": "File",
    "view_mine": "Les miennes",
    "view_all": "Toutes",
    "canned": "Réponses types",
    "email_page": "E\u2011mail",  # a no-break hyphen: one word in the tabs
    "presence_title": "Passer en ligne / absent",
    "status_online": "en ligne",
    "status_away": "absent",
    "status_offline": "hors ligne",
    "logout": "Se déconnecter",
    "language": "Langue",
    "change": "Changer",
    "alerts": "Activer les alertes",
    "offer_title": "Une conversation vous est proposée",
    "accept": "Accepter",
    "decline": "Refuser",
    "mode_bot": "bot",
    "mode_queued": "en file",
    "mode_live": "en direct",
    "mode_waiting": "en attente",
    "mode_closed": "clôturée",
    "priority_urgent": "urgente",
    "priority_high": "haute",
    "priority_normal": "normale",
    "priority_low": "basse",
    "author_visitor": "visiteur",
    "author_bot": "bot",
    "author_operator": "opérateur",
    "author_system": "système",
    "no_ticket_subject": "(pas de ticket)",
    "canned_help": "Tapez /raccourci dans la zone de réponse pour en insérer une (d'abord "
    "dans la langue de la conversation). {first_name}, {name}, {operator} et {ticket} sont "
    "remplis\u00a0: «\u00a0Bonjour {first_name},\u00a0» devient «\u00a0Bonjour Zoé,\u00a0».",
    "shortcut": "Raccourci",
    "text": "Texte",
    "delete": "Supprimer",
    "none_yet": "Aucune pour l'instant.",
    "add_or_replace": "Ajouter ou remplacer",
    "save": "Enregistrer",
    "conversation": "Conversation",
    "messages": "Messages",
    "visitor_typing": "Le visiteur écrit…",
    "reply_label": "Répondre au visiteur",
    "reply_placeholder": "Répondre… (Entrée envoie, Maj+Entrée nouvelle ligne, /raccourci "
    "pour les réponses types)",
    "send": "Envoyer",
    "claim": "Prendre",
    "close": "Clôturer",
    "handback": "Rendre au bot",
    "reopen": "Rouvrir",
    "transfer": "Transférer…",
    "to_department": "À un service",
    "to_operator": "À un opérateur",
    "transfer_button": "Transférer",
    "block": "Bloquer le visiteur",
    "block_for": "Pour",
    "blocked_until": "Ce visiteur est bloqué jusqu'au",
    "unblock_button": "Lever le blocage",
    "block_days_1": "un jour",
    "block_days_7": "une semaine",
    "block_days_30": "30 jours",
    "block_button": "Terminer et bloquer",
    "block_hint": "En cas d'abus : le chat se termine et le widget de ce visiteur est refusé "
    "jusque-là (un visiteur qui vide son navigateur revient comme quelqu'un de nouveau).",
    "ticket": "Ticket",
    "subject": "Sujet",
    "priority": "Priorité",
    "department": "Service",
    "status": "Statut",
    "first_reply_due": "Première réponse attendue",
    "first_reply": "Première réponse",
    "requester": "Demandeur",
    "description": "Description",
    "rating": "Note",
    "no_ticket": "Pas de ticket.",
    "ticket_new": "nouveau",
    "ticket_open": "ouvert",
    "ticket_resolved": "résolu",
    "ticket_pending": "en attente du client",
    "ticket_on_hold": "en suspens",
    "ticket_closed": "fermé",
    "visitor": "Visiteur",
    "page": "Page",
    "mode": "Mode",
    "notes": "Notes privées",
    "note_label": "Ajouter une note privée",
    "note_placeholder": "Note privée (jamais envoyée au visiteur)",
    "add_note": "Ajouter la note",
    "suggestions_seen": "Choix proposés :",
    "reason_closed": "Cette conversation est clôturée. Rouvrez-la pour écrire au visiteur.",
    "reason_claim": "Prenez cette conversation pour répondre.",
    "reason_other": "{name} s'occupe de cette conversation.",
    "reason_bot": "Le bot répond dans cette conversation.",
    "list_label": "{view} : conversations",
    "empty": "Rien pour l'instant.",
    "keys": "Touches :",
    "keys_lists": "listes",
    "keys_move": "se déplacer",
    "keys_open": "ouvrir",
    "log_in": "Se connecter",
    "operator_console": "Console des opérateurs",
    "email": "E-mail",
    "password": "Mot de passe",
    "wrong_login": "E-mail ou mot de passe incorrect.",
    "too_many_logins": "Trop d'échecs de connexion ; réessayez dans 15 minutes.",
    "hold_until": "En suspens jusqu'au",
    "hold_help": "Facultatif. À cette date, le ticket se rouvre et la personne assignée est "
    "prévenue. Vide : pas de date.",
}

_NL = {
    "console": "console",
    "lists": "Lijsten",
    "view_queue": "Wachtrij",
    "view_mine": "Mijn gesprekken",
    "view_all": "Alle",
    "canned": "Standaardantwoorden",
    "email_page": "E\u2011mail",  # a no-break hyphen: one word in the tabs
    "presence_title": "Online / afwezig wisselen",
    "status_online": "online",
    "status_away": "afwezig",
    "status_offline": "offline",
    "logout": "Afmelden",
    "language": "Taal",
    "change": "Wijzigen",
    "alerts": "Meldingen aanzetten",
    "offer_title": "Er wordt u een gesprek aangeboden",
    "accept": "Aanvaarden",
    "decline": "Weigeren",
    "mode_bot": "bot",
    "mode_queued": "in de wachtrij",
    "mode_live": "live",
    "mode_waiting": "wachtend",
    "mode_closed": "afgesloten",
    "priority_urgent": "dringend",
    "priority_high": "hoog",
    "priority_normal": "normaal",
    "priority_low": "laag",
    "author_visitor": "bezoeker",
    "author_bot": "bot",
    "author_operator": "medewerker",
    "author_system": "systeem",
    "no_ticket_subject": "(geen ticket)",
    "canned_help": "Typ /sneltoets in het antwoordvak om er een in te voegen (eerst in de "
    "taal van het gesprek). {first_name}, {name}, {operator} en {ticket} worden ingevuld: "
    '"Dag {first_name}," wordt "Dag Zoé,".',
    "shortcut": "Sneltoets",
    "text": "Tekst",
    "delete": "Verwijderen",
    "none_yet": "Nog geen.",
    "add_or_replace": "Toevoegen of vervangen",
    "save": "Opslaan",
    "conversation": "Gesprek",
    "messages": "Berichten",
    "visitor_typing": "De bezoeker typt…",
    "reply_label": "Antwoord aan de bezoeker",
    "reply_placeholder": "Antwoorden… (Enter verzendt, Shift+Enter nieuwe regel, /sneltoets "
    "voor standaardantwoorden)",
    "send": "Verzenden",
    "claim": "Overnemen",
    "close": "Afsluiten",
    "handback": "Teruggeven aan de bot",
    "reopen": "Heropenen",
    "transfer": "Doorsturen…",
    "to_department": "Naar een afdeling",
    "to_operator": "Naar een medewerker",
    "transfer_button": "Doorsturen",
    "block": "Bezoeker blokkeren",
    "block_for": "Voor",
    "blocked_until": "Deze bezoeker is geblokkeerd tot",
    "unblock_button": "Blokkering opheffen",
    "block_days_1": "een dag",
    "block_days_7": "een week",
    "block_days_30": "30 dagen",
    "block_button": "Beëindigen en blokkeren",
    "block_hint": "Bij misbruik: de chat eindigt en de widget van deze bezoeker wordt tot dan "
    "geweigerd (een bezoeker die zijn browser wist, komt terug als iemand nieuw).",
    "ticket": "Ticket",
    "subject": "Onderwerp",
    "priority": "Prioriteit",
    "department": "Afdeling",
    "status": "Status",
    "first_reply_due": "Eerste antwoord verwacht",
    "first_reply": "Eerste antwoord",
    "requester": "Aanvrager",
    "description": "Beschrijving",
    "rating": "Beoordeling",
    "no_ticket": "Geen ticket.",
    "ticket_new": "nieuw",
    "ticket_open": "open",
    "ticket_resolved": "opgelost",
    "ticket_pending": "wacht op klant",
    "ticket_on_hold": "in de wacht",
    "ticket_closed": "gesloten",
    "visitor": "Bezoeker",
    "page": "Pagina",
    "mode": "Modus",
    "notes": "Privénotities",
    "note_label": "Een privénotitie toevoegen",
    "note_placeholder": "Privénotitie (nooit naar de bezoeker gestuurd)",
    "add_note": "Notitie toevoegen",
    "suggestions_seen": "Getoonde keuzes:",
    "reason_closed": "Dit gesprek is afgesloten. Heropen het om de bezoeker te schrijven.",
    "reason_claim": "Neem dit gesprek over om te antwoorden.",
    "reason_other": "{name} behandelt dit gesprek.",
    "reason_bot": "De bot antwoordt in dit gesprek.",
    "list_label": "{view}: gesprekken",
    "empty": "Hier is nu niets.",
    "keys": "Toetsen:",
    "keys_lists": "lijsten",
    "keys_move": "verplaatsen",
    "keys_open": "openen",
    "log_in": "Aanmelden",
    "operator_console": "Console voor medewerkers",
    "email": "E-mail",
    "password": "Wachtwoord",
    "wrong_login": "Verkeerd e-mailadres of wachtwoord.",
    "too_many_logins": "Te veel mislukte aanmeldingen; probeer het over 15 minuten opnieuw.",
    "hold_until": "In de wacht tot",
    "hold_help": "Optioneel. Op die datum gaat het ticket weer open en hoort de toegewezen "
    "medewerker het. Leeg: geen datum.",
}

#: Every text by language, then key; every language has every key (tests check it).
CONSOLE_TEXTS: dict[str, dict[str, str]] = {
    lang: texts
    | TICKET_TEXTS[lang]
    | _GAPS_TEXTS[lang]
    | _ACCOUNT_TEXTS[lang]
    | _OPERATOR_TEXTS[lang]
    | _PRIVACY_TEXTS[lang]
    | _HOOK_TEXTS[lang]
    | _RULE_TEXTS[lang]
    | _BLOCK_TEXTS[lang]
    | _REQUESTER_TEXTS[lang]
    | ADMIN_TEXTS[lang]
    for lang, texts in (("en", _EN), ("fr", _FR), ("nl", _NL))
}
