"""The texts of the e-mail pages (the console's E-mail page, the confirmation page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .consolelang import LANGS

__all__ = ["KIND_NAMES", "MAIL_TEXTS", "kind_name", "mail_translator", "page_lang"]

_EN = {
    "mail": "E-mail",
    "mail_on": "E-mail is on: the desk sends through {server} as {sender}.",
    "mail_off": "E-mail is off: the desk sends no mail. Set CHATDESK_SMTP_URL, "
    "CHATDESK_MAIL_FROM and CHATDESK_PUBLIC_URL to turn it on.",
    "receiver_on": "Incoming mail is received on {listen}.",
    "receiver_off": "No incoming mail: CHATDESK_MAIL_IN_LISTEN is not set.",
    "imap_on": "Incoming mail is also fetched from the mailbox {mailbox} every {seconds} s.",
    "imap_off": "No mailbox polled: CHATDESK_IMAP_URL is not set.",
    "imap_error": "Last IMAP error seen by this process: {error}",
    "failed": "Failed deliveries",
    "failed_help": "Mails the server refused, or that failed after every retry. Fix the cause, "
    "then send them again.",
    "failed_none": "No failed delivery.",
    "created": "Created",
    "to": "To",
    "kind": "Kind",
    "attempts": "Attempts",
    "error": "Error",
    "retry": "Send again",
    "retried": "Queued again: it goes out within a few seconds.",
    "bounces": "Addresses that bounce",
    "bounces_help": "The desk does not write to these addresses until they write to us again.",
    "bounces_none": "None.",
    "since": "Since",
    "reason": "Reason",
    "admins_only": "Only admins see the e-mail page.",
    "verify_title": "Confirm your request",
    "verify_text": "Confirm that you sent us this request, so that we register it.",
    "verify_button": "Confirm my request",
    "verified_title": "Thank you",
    "verified_text": "Your request is registered under number {label}. We have sent you a "
    "confirmation by e-mail.",
    "verified_follow": "Follow my request",
    "verify_invalid": "This link is not valid, has expired, or was used already.",
    "verify_refused": "We could not register your request: {reason}",
}
_FR = {
    "mail": "E-mail",
    "mail_on": "L'e-mail est actif : le desk envoie par {server} en tant que {sender}.",
    "mail_off": "L'e-mail est désactivé : le desk n'envoie aucun e-mail. Définissez "
    "CHATDESK_SMTP_URL, CHATDESK_MAIL_FROM et CHATDESK_PUBLIC_URL pour l'activer.",
    "receiver_on": "Les e-mails entrants sont reçus sur {listen}.",
    "receiver_off": "Pas d'e-mail entrant : CHATDESK_MAIL_IN_LISTEN n'est pas défini.",
    "imap_on": "Les e-mails entrants sont aussi relevés dans la boîte {mailbox} toutes les "
    "{seconds} s.",
    "imap_off": "Aucune boîte relevée : CHATDESK_IMAP_URL n'est pas défini.",
    "imap_error": "Dernière erreur IMAP vue par ce processus : {error}",
    "failed": "Envois en échec",
    "failed_help": "E-mails refusés par le serveur, ou en échec après toutes les tentatives. "
    "Corrigez la cause, puis renvoyez-les.",
    "failed_none": "Aucun envoi en échec.",
    "created": "Créé",
    "to": "À",
    "kind": "Type",
    "attempts": "Tentatives",
    "error": "Erreur",
    "retry": "Renvoyer",
    "retried": "Remis en file : il part dans quelques secondes.",
    "bounces": "Adresses en erreur",
    "bounces_help": "Le desk n'écrit plus à ces adresses tant qu'elles ne nous écrivent pas.",
    "bounces_none": "Aucune.",
    "since": "Depuis",
    "reason": "Motif",
    "admins_only": "Seuls les administrateurs voient la page e-mail.",
    "verify_title": "Confirmez votre demande",
    "verify_text": "Confirmez que vous nous avez bien envoyé cette demande, pour que nous "
    "l'enregistrions.",
    "verify_button": "Confirmer ma demande",
    "verified_title": "Merci",
    "verified_text": "Votre demande est enregistrée sous le numéro {label}. Nous vous avons "
    "envoyé une confirmation par e-mail.",
    "verified_follow": "Suivre ma demande",
    "verify_invalid": "Ce lien n'est pas valable, a expiré, ou a déjà servi.",
    "verify_refused": "Nous n'avons pas pu enregistrer votre demande : {reason}",
}
_NL = {
    "mail": "E-mail",
    "mail_on": "E-mail staat aan: de desk verstuurt via {server} als {sender}.",
    "mail_off": "E-mail staat uit: de desk verstuurt geen e-mail. Stel CHATDESK_SMTP_URL, "
    "CHATDESK_MAIL_FROM en CHATDESK_PUBLIC_URL in om het aan te zetten.",
    "receiver_on": "Inkomende e-mail wordt ontvangen op {listen}.",
    "receiver_off": "Geen inkomende e-mail: CHATDESK_MAIL_IN_LISTEN is niet ingesteld.",
    "imap_on": "Inkomende e-mail wordt ook elke {seconds} s opgehaald uit de mailbox {mailbox}.",
    "imap_off": "Geen mailbox opgehaald: CHATDESK_IMAP_URL is niet ingesteld.",
    "imap_error": "Laatste IMAP-fout gezien door dit proces: {error}",
    "failed": "Mislukte verzendingen",
    "failed_help": "E-mails die de server weigerde, of die na alle pogingen mislukten. Los de "
    "oorzaak op en verstuur ze opnieuw.",
    "failed_none": "Geen mislukte verzending.",
    "created": "Aangemaakt",
    "to": "Aan",
    "kind": "Soort",
    "attempts": "Pogingen",
    "error": "Fout",
    "retry": "Opnieuw versturen",
    "retried": "Opnieuw in de wachtrij: hij vertrekt binnen enkele seconden.",
    "bounces": "Adressen die bouncen",
    "bounces_help": "De desk schrijft deze adressen niet meer tot ze ons opnieuw schrijven.",
    "bounces_none": "Geen.",
    "since": "Sinds",
    "reason": "Reden",
    "admins_only": "Alleen beheerders zien de e-mailpagina.",
    "verify_title": "Bevestig uw aanvraag",
    "verify_text": "Bevestig dat u ons deze aanvraag hebt gestuurd, zodat we ze registreren.",
    "verify_button": "Mijn aanvraag bevestigen",
    "verified_title": "Bedankt",
    "verified_text": "Uw aanvraag is geregistreerd onder nummer {label}. We hebben u een "
    "bevestiging per e-mail gestuurd.",
    "verified_follow": "Mijn aanvraag volgen",
    "verify_invalid": "Deze link is niet geldig, verlopen, of al gebruikt.",
    "verify_refused": "We konden uw aanvraag niet registreren: {reason}",
}
MAIL_TEXTS: dict[str, dict[str, str]] = {"en": _EN, "fr": _FR, "nl": _NL}

#: What each kind of mail is, for the E-mail page: (en, fr, nl); the kind's id otherwise.
KIND_NAMES: dict[str, tuple[str, str, str]] = {
    "received": ("Acknowledgement", "Accusé de réception", "Ontvangstbevestiging"),
    "reply": ("Reply to the requester", "Réponse au demandeur", "Antwoord aan de aanvrager"),
    "reminder": ("Reminder: awaiting reply", "Relance : réponse attendue",
                 "Herinnering: antwoord verwacht"),
    "resolved": ("Resolved, with rating", "Résolue, avec évaluation",
                 "Opgelost, met beoordeling"),
    "closed": ("Closed", "Clôturée", "Gesloten"),
    "merged": ("Merged", "Fusionnée", "Samengevoegd"),
    "invitation": ("Portal invitation", "Invitation au portail", "Uitnodiging voor het portaal"),
    "sign_in": ("Portal sign-in link", "Lien de connexion au portail", "Aanmeldlink portaal"),
    "notice": ("Service notice", "Avis de service", "Dienstmelding"),
    "rejected": ("Mail not taken", "E-mail non accepté", "E-mail niet aanvaard"),
    "verify": ("Confirm a request", "Confirmation d'une demande", "Bevestiging van een aanvraag"),
    "staff_new": ("Team: new ticket", "Équipe : nouveau ticket", "Team: nieuw ticket"),
    "staff_contact": ("Team: chat details left", "Équipe : coordonnées laissées au chat",
                      "Team: gegevens in de chat"),
    "staff_chat": ("Team: answer in the chat", "Équipe : réponse au chat",
                   "Team: antwoord in de chat"),
    "staff_reply": ("Team: requester's answer", "Équipe : réponse du demandeur",
                    "Team: antwoord van de aanvrager"),
    "staff_assigned": ("Team: assigned", "Équipe : assignation", "Team: toegewezen"),
    "staff_sla": ("Team: reply target", "Équipe : délai de réponse", "Team: antwoordtermijn"),
    "staff_not_posted": ("Team: reply not posted", "Équipe : réponse non publiée",
                         "Team: antwoord niet gepubliceerd"),
    "password_reset": ("Operator: password link", "Opérateur : lien de mot de passe",
                       "Operator: wachtwoordlink"),
    "new_sign_in": ("Operator: sign-in from a new browser",
                    "Opérateur : connexion depuis un nouveau navigateur",
                    "Operator: aanmelding vanuit een nieuwe browser"),
    "weekly_report": ("Weekly report", "Rapport hebdomadaire", "Weekrapport"),
    "transcript": ("Chat transcript", "Transcription du chat", "Chattranscript"),
}  # fmt: skip


def kind_name(kind: str, lang: str) -> str:
    """Return what a mail of ``kind`` is, in ``lang`` (its id for an unknown kind)."""
    names = KIND_NAMES.get(kind)
    return names[("en", "fr", "nl").index(lang) if lang in ("fr", "nl") else 0] if names else kind


def mail_translator(lang: str) -> Callable[..., str]:
    """Return ``m(key, **values)`` for the e-mail pages, in ``lang``."""
    texts = MAIL_TEXTS.get(lang, _EN)

    def m(key: str, **values: Any) -> str:
        return texts[key].format(**values) if values else texts[key]

    return m


def page_lang(request: web.Request, chosen: str = "") -> str:
    """Return a public page's language: ``chosen`` (the link's), else Accept-Language."""
    if chosen in LANGS:
        return chosen
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGS:
            return tag
    return "en"
