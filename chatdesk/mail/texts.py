"""What the desk's e-mails say, in fr, nl and en (``{placeholders}`` filled by the caller)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["french_elision", "french_spacing", "mail_text"]

_FR = {
    "file_too_large": "{name} : non joint, il dépasse {limit} par fichier",
    "file_ticket_full": "{name} : non joint, les fichiers d'une demande ne dépassent pas {limit}",
    "file_program": "{name} : non joint, les programmes sont refusés",
    "file_type": "{name} : non joint, ce type de fichier n'est pas accepté",
    "file_empty": "{name} : fichier vide, non joint",
    "megabytes": "{n} Mo",
    "hello": "Bonjour {name},",
    "hello_anonymous": "Bonjour,",
    "copy_note": "Vous recevez cette copie comme adresse {kind} enregistrée de votre "
    "organisation. La demande vient de {requester}.",
    "copy_billing": "de facturation",
    "copy_abuse": "abuse",
    "copy_support": "de support",
    "cc_note": "Vous êtes en copie de cette demande de {requester}. Répondez à tous pour "
    "ajouter un message.",
    "received_1": "Nous avons bien reçu votre demande {label} : « {subject} ».",
    "received_2": "Nous vous répondrons au plus tard le {reply_by} (heures d'ouverture).",
    "received_3": "Vous pouvez la suivre en ligne, ou simplement répondre à cet e-mail.",
    "received_phone": "Urgent ? Appelez-nous au {number} ({hours}, jours ouvrables) en citant le "
    "numéro {label}.",
    "follow": "Suivre ma demande",
    "summary": "Votre message",
    "files": "Fichiers joints",
    "reply_1": "{agent} a répondu à votre demande {label} :",
    "opens_1": "{agent} vous écrit au sujet de « {subject} » ({label}) :",
    "reply_2": "Répondez à cet e-mail pour continuer, ou sur la page de votre demande.",
    "pending": "Nous attendons votre réponse : répondez simplement à cet e-mail.",
    "closed_with_reply": "Avec ce message, nous avons clôturé votre demande {label}.",
    "pending_close": "Nous attendons votre réponse : répondez simplement à cet e-mail. Sans "
    "réaction, nous clôturerons votre demande le {close_on}.",
    "thread": "Plus tôt dans cette demande",
    "you": "Vous",
    "team": "L'équipe",
    "participant": "Un participant",
    "reminder_1": "Nous attendons votre réponse concernant votre demande {label} : « {subject} ».",
    "reminder_2": "Sans réponse de votre part, nous la clôturerons le {close_on}.",
    "answer": "Répondre",
    "resolved_1": "Votre demande {label} : « {subject} » est résolue.",
    "resolved_2": "Si ce n'est pas le cas, répondez simplement à cet e-mail : elle sera rouverte. "
    "Sans réaction, elle sera clôturée le {close_on}.",
    "resolved_2_open": "Si ce n'est pas le cas, répondez simplement à cet e-mail : elle sera "
    "rouverte.",
    "rate": "Comment évaluez-vous notre aide ? (1 = mauvaise, 5 = excellente)",
    "closed_1": "Nous avons clôturé votre demande {label} : « {subject} », faute de réaction.",
    "closed_2": "Si vous avez encore besoin d'aide, répondez à cet e-mail : une nouvelle "
    "demande sera ouverte à sa suite.",
    "merged_1": "Votre demande {label} a été jointe à la demande {into}, qui traite du même sujet.",
    "merged_2": "Suivez-la ici, ou répondez à cet e-mail.",
    "invitation_subject": "{desk} : votre invitation",
    "invitation_1": "{desk} vous invite à nous adresser vos demandes d'assistance{org}.",
    "invitation_org": " pour {org}",
    "invitation_by": "{name} nous a demandé de vous inviter.",
    "invitation_2": "Cette invitation est valable jusqu'au {until}. Écrivez-nous depuis cette "
    "adresse, ou connectez-vous avec elle à notre page d'assistance.",
    "support_page": "Ouvrir la page d'assistance",
    "sign_in_subject": "{desk} : votre lien de connexion",
    "sign_in_1": "Voici votre lien pour vous connecter à l'espace d'assistance de {desk}. Il "
    "n'est utilisable qu'une fois, dans les {minutes} minutes.",
    "sign_in_2": "Vous n'avez rien demandé ? Ignorez cet e-mail.",
    "sign_in": "Me connecter",
    "seat_subject": "{desk} : {name} demande une place sur le site {site}",
    "seat_1": "{name} ({email}) voulait envoyer une demande pour le site {site}, qui a déjà "
    "autant d'éditeurs que permis ({count}) : {editors}.",
    "seat_2": "Vous êtes administrateur de {org} : libérez une place dans l'espace "
    "d'assistance, sous « Mon organisation », pour que {name} puisse envoyer sa demande.",
    "seat_open": "Gérer les places",
    "seat_freed_subject": "{desk} : votre place d'éditeur sur le site {site}",
    "seat_freed_1": "{by} a libéré votre place d'éditeur du site {site} pour {org}.",
    "seat_freed_desk": "L'équipe de {desk}",
    "seat_freed_2": "Vos demandes restent les vôtres et vous pouvez toujours les suivre. Pour "
    "une nouvelle demande sur ce site, une place doit y être libre : demandez-la à un "
    "administrateur de {org}.",
    "notice_subject": "[{desk}] {title}",
    "severity_info": "Information",
    "severity_maintenance": "Maintenance",
    "severity_outage": "Incident",
    "rejected_subject": "Votre message à {desk}",
    "rejected_1": "Nous avons reçu votre message « {subject} », mais cette adresse ne traite que "
    "les demandes de nos clients enregistrés, envoyées depuis leur adresse enregistrée.",
    "rejected_2": "Pour nous joindre, utilisez notre page d'assistance.",
    "verify_subject": "Confirmez votre demande à {desk}",
    "verify_1": "Nous avons reçu votre message « {subject} ». Pour l'enregistrer, confirmez "
    "qu'il vient bien de vous, d'ici le {until}.",
    "verify_2": "Sans confirmation, il ne sera pas traité. Vous n'avez rien envoyé ? Ignorez "
    "cet e-mail.",
    "verify": "Confirmer ma demande",
    "footer": "{desk} · Répondez simplement à cet e-mail pour ajouter un message à votre demande.",
    "footer_plain": "{desk}",
    "transcript_subject": "Votre conversation avec {desk}",
    "transcript_1": "Voici votre conversation avec {desk}, comme vous l'avez demandé dans le chat.",
    "transcript_more": "Elle comptait plus de messages qu'un e-mail n'en contient : voici "
    "les {n} derniers.",
    "transcript_2": "Vous ne l'avez pas demandée ? Quelqu'un a tapé votre adresse dans notre "
    "chat : ignorez cet e-mail, nous ne vous écrirons pas d'autre message.",
    "transcript_title": "La conversation",
    "transcript_you": "Vous",
    "transcript_visitor": "Visiteur",
    "transcript_sent_subject": "Une conversation avec {desk}",
    "transcript_sent_1": "{name}, de {desk}, vous envoie cette conversation du chat.",
    "transcript_bot": "Assistant",
    "transcript_file": "Fichier envoyé : {name} ({size})",
    "link_hint": "Si le bouton ne fonctionne pas, copiez ce lien :",
}

_NL = {
    "file_too_large": "{name}: niet toegevoegd, groter dan {limit} per bestand",
    "file_ticket_full": "{name}: niet toegevoegd, de bestanden van een aanvraag blijven onder "
    "{limit}",
    "file_program": "{name}: niet toegevoegd, programma's worden geweigerd",
    "file_type": "{name}: niet toegevoegd, dit soort bestand wordt niet aanvaard",
    "file_empty": "{name}: leeg bestand, niet toegevoegd",
    "megabytes": "{n} MB",
    "hello": "Beste {name},",
    "hello_anonymous": "Hallo,",
    "copy_note": "U ontvangt deze kopie als geregistreerd {kind}adres van uw organisatie. "
    "De aanvraag komt van {requester}.",
    "copy_billing": "facturatie",
    "copy_abuse": "abuse-",
    "copy_support": "support",
    "cc_note": "U staat in kopie van deze aanvraag van {requester}. Antwoord aan allen om een "
    "bericht toe te voegen.",
    "received_1": "We hebben uw aanvraag {label} goed ontvangen: “{subject}”.",
    "received_2": "We antwoorden u uiterlijk op {reply_by} (openingsuren).",
    "received_3": "U kunt ze online volgen, of gewoon op deze e-mail antwoorden.",
    "received_phone": "Dringend? Bel ons op {number} ({hours}, op werkdagen) en vermeld het "
    "nummer {label}.",
    "follow": "Mijn aanvraag volgen",
    "summary": "Uw bericht",
    "files": "Bijgevoegde bestanden",
    "reply_1": "{agent} heeft op uw aanvraag {label} geantwoord:",
    "opens_1": "{agent} schrijft u over “{subject}” ({label}):",
    "reply_2": "Antwoord op deze e-mail om verder te gaan, of op de pagina van uw aanvraag.",
    "pending": "We wachten op uw antwoord: beantwoord gewoon deze e-mail.",
    "closed_with_reply": "Met dit bericht hebben we uw aanvraag {label} afgesloten.",
    "pending_close": "We wachten op uw antwoord: beantwoord gewoon deze e-mail. Zonder "
    "reactie sluiten we uw aanvraag op {close_on}.",
    "thread": "Eerder in deze aanvraag",
    "you": "U",
    "team": "Het team",
    "participant": "Een deelnemer",
    "reminder_1": "We wachten op uw antwoord over uw aanvraag {label}: “{subject}”.",
    "reminder_2": "Zonder antwoord sluiten we ze op {close_on}.",
    "answer": "Antwoorden",
    "resolved_1": "Uw aanvraag {label}: “{subject}” is opgelost.",
    "resolved_2": "Is dat niet zo? Antwoord dan gewoon op deze e-mail: ze wordt heropend. "
    "Zonder reactie sluiten we ze op {close_on}.",
    "resolved_2_open": "Is dat niet zo? Antwoord dan gewoon op deze e-mail: ze wordt heropend.",
    "rate": "Hoe beoordeelt u onze hulp? (1 = slecht, 5 = uitstekend)",
    "closed_1": "We hebben uw aanvraag {label}: “{subject}” gesloten, omdat we geen reactie "
    "kregen.",
    "closed_2": "Hebt u nog hulp nodig? Antwoord op deze e-mail: er wordt een nieuwe aanvraag "
    "in het verlengde ervan geopend.",
    "merged_1": "Uw aanvraag {label} is samengevoegd met aanvraag {into}, over hetzelfde "
    "onderwerp.",
    "merged_2": "Volg ze hier, of antwoord op deze e-mail.",
    "invitation_subject": "{desk}: uw uitnodiging",
    "invitation_1": "{desk} nodigt u uit om uw supportaanvragen aan ons te richten{org}.",
    "invitation_org": " voor {org}",
    "invitation_by": "{name} heeft ons gevraagd u uit te nodigen.",
    "invitation_2": "Deze uitnodiging is geldig tot {until}. Schrijf ons vanaf dit adres, of "
    "meld u ermee aan op onze supportpagina.",
    "support_page": "Supportpagina openen",
    "sign_in_subject": "{desk}: uw aanmeldlink",
    "sign_in_1": "Hier is uw link om u aan te melden bij de supportruimte van {desk}. U kunt "
    "hem één keer gebruiken, binnen {minutes} minuten.",
    "sign_in_2": "Hebt u niets gevraagd? Negeer deze e-mail dan.",
    "sign_in": "Aanmelden",
    "seat_subject": "{desk}: {name} vraagt een plaats op site {site}",
    "seat_1": "{name} ({email}) wilde een aanvraag indienen voor site {site}, die al het "
    "toegelaten aantal editors heeft ({count}): {editors}.",
    "seat_2": "U bent beheerder van {org}: maak een plaats vrij in het portaal, onder “Mijn "
    "organisatie”, zodat {name} de aanvraag kan indienen.",
    "seat_open": "Plaatsen beheren",
    "seat_freed_subject": "{desk}: uw plaats als editor van site {site}",
    "seat_freed_1": "{by} heeft uw plaats als editor van site {site} voor {org} vrijgemaakt.",
    "seat_freed_desk": "Het team van {desk}",
    "seat_freed_2": "Uw aanvragen blijven van u en u kunt ze blijven volgen. Voor een nieuwe "
    "aanvraag voor deze site moet er een plaats vrij zijn: vraag ze aan een beheerder van "
    "{org}.",
    "notice_subject": "[{desk}] {title}",
    "severity_info": "Informatie",
    "severity_maintenance": "Onderhoud",
    "severity_outage": "Storing",
    "rejected_subject": "Uw bericht aan {desk}",
    "rejected_1": "We hebben uw bericht “{subject}” ontvangen, maar dit adres behandelt alleen "
    "aanvragen van geregistreerde klanten, verstuurd vanaf hun geregistreerde adres.",
    "rejected_2": "Gebruik onze supportpagina om ons te bereiken.",
    "verify_subject": "Bevestig uw aanvraag aan {desk}",
    "verify_1": "We hebben uw bericht “{subject}” ontvangen. Bevestig vóór {until} dat het "
    "van u komt, dan registreren we het.",
    "verify_2": "Zonder bevestiging wordt het niet behandeld. Hebt u niets verstuurd? Negeer "
    "deze e-mail dan.",
    "verify": "Mijn aanvraag bevestigen",
    "footer": "{desk} · Beantwoord deze e-mail om een bericht aan uw aanvraag toe te voegen.",
    "footer_plain": "{desk}",
    "transcript_subject": "Uw gesprek met {desk}",
    "transcript_1": "Hier is uw gesprek met {desk}, zoals u in de chat vroeg.",
    "transcript_more": "Het telde meer berichten dan een e-mail bevat: hier zijn de laatste {n}.",
    "transcript_2": "Niet gevraagd? Iemand heeft uw adres in onze chat getypt: negeer deze "
    "e-mail, we schrijven u verder niet.",
    "transcript_title": "Het gesprek",
    "transcript_you": "U",
    "transcript_visitor": "Bezoeker",
    "transcript_sent_subject": "Een gesprek met {desk}",
    "transcript_sent_1": "{name} van {desk} stuurt u dit chatgesprek.",
    "transcript_bot": "Assistent",
    "transcript_file": "Bestand verstuurd: {name} ({size})",
    "link_hint": "Werkt de knop niet? Kopieer dan deze link:",
}

_EN = {
    "file_too_large": "{name}: not attached, larger than {limit} per file",
    "file_ticket_full": "{name}: not attached, a request's files stay under {limit}",
    "file_program": "{name}: not attached, programs are refused",
    "file_type": "{name}: not attached, this kind of file is not accepted",
    "file_empty": "{name}: empty file, not attached",
    "megabytes": "{n} MB",
    "hello": "Hello {name},",
    "hello_anonymous": "Hello,",
    "copy_note": "You receive this copy as your organisation's registered {kind} address. "
    "The request comes from {requester}.",
    "copy_billing": "billing",
    "copy_abuse": "abuse",
    "copy_support": "support",
    "cc_note": "You are in copy of this request from {requester}. Reply to all to add a message.",
    "received_1": "We have received your request {label}: “{subject}”.",
    "received_2": "We will answer you by {reply_by} at the latest (business hours).",
    "received_3": "You can follow it online, or simply reply to this e-mail.",
    "received_phone": "Urgent? Call us on {number} ({hours}, business days) and quote the "
    "number {label}.",
    "follow": "Follow my request",
    "summary": "Your message",
    "files": "Attached files",
    "reply_1": "{agent} replied to your request {label}:",
    "opens_1": "{agent} writes to you about “{subject}” ({label}):",
    "reply_2": "Reply to this e-mail to go on, or on your request's page.",
    "pending": "We are waiting for your answer: simply reply to this e-mail.",
    "closed_with_reply": "With this message, we have closed your request {label}.",
    "pending_close": "We are waiting for your answer: simply reply to this e-mail. Without "
    "one, we will close your request on {close_on}.",
    "thread": "Earlier in this request",
    "you": "You",
    "team": "The team",
    "participant": "A participant",
    "reminder_1": "We are waiting for your answer about your request {label}: “{subject}”.",
    "reminder_2": "Without an answer, we will close it on {close_on}.",
    "answer": "Answer",
    "resolved_1": "Your request {label}: “{subject}” is resolved.",
    "resolved_2": "If it is not, simply reply to this e-mail: it will reopen. Without a "
    "reaction, it closes on {close_on}.",
    "resolved_2_open": "If it is not, simply reply to this e-mail: it will reopen.",
    "rate": "How would you rate our help? (1 = poor, 5 = excellent)",
    "closed_1": "We closed your request {label}: “{subject}”, as we had no reaction.",
    "closed_2": "If you still need help, reply to this e-mail: a new request following it "
    "will be opened.",
    "merged_1": "Your request {label} was merged into request {into}, about the same subject.",
    "merged_2": "Follow it here, or reply to this e-mail.",
    "invitation_subject": "{desk}: your invitation",
    "invitation_1": "{desk} invites you to send us your support requests{org}.",
    "invitation_org": " for {org}",
    "invitation_by": "{name} asked us to invite you.",
    "invitation_2": "This invitation is valid until {until}. Write to us from this address, or "
    "sign in with it on our support page.",
    "support_page": "Open the support page",
    "sign_in_subject": "{desk}: your sign-in link",
    "sign_in_1": "Here is your link to sign in to {desk}'s support space. It works once, "
    "within {minutes} minutes.",
    "sign_in_2": "You did not ask for it? Ignore this e-mail.",
    "sign_in": "Sign in",
    "seat_subject": "{desk}: {name} asks for a seat on site {site}",
    "seat_1": "{name} ({email}) wanted to file a request for site {site}, which already has "
    "as many editors as allowed ({count}): {editors}.",
    "seat_2": "You are an admin of {org}: free a seat in the portal, under “My organisation”, "
    "so that {name} can file the request.",
    "seat_open": "Manage the seats",
    "seat_freed_subject": "{desk}: your editor seat on site {site}",
    "seat_freed_1": "{by} freed your editor seat on site {site} for {org}.",
    "seat_freed_desk": "The {desk} team",
    "seat_freed_2": "Your requests stay yours and you can still follow them. To file a new "
    "request for this site, a seat must be free there: ask an admin of {org}.",
    "notice_subject": "[{desk}] {title}",
    "severity_info": "Information",
    "severity_maintenance": "Maintenance",
    "severity_outage": "Outage",
    "rejected_subject": "Your message to {desk}",
    "rejected_1": "We received your message “{subject}”, but this address handles only "
    "requests from our registered customers, sent from their registered address.",
    "rejected_2": "To reach us, please use our support page.",
    "verify_subject": "Confirm your request to {desk}",
    "verify_1": "We received your message “{subject}”. To register it, confirm that it comes "
    "from you by {until}.",
    "verify_2": "Without confirmation it will not be handled. You sent nothing? Ignore this "
    "e-mail.",
    "verify": "Confirm my request",
    "footer": "{desk} · Reply to this e-mail to add a message to your request.",
    "footer_plain": "{desk}",
    "transcript_subject": "Your conversation with {desk}",
    "transcript_1": "Here is your conversation with {desk}, as you asked in the chat.",
    "transcript_more": "It had more messages than one e-mail holds: here are the last {n}.",
    "transcript_2": "Did not ask for it? Someone typed your address in our chat: ignore this "
    "e-mail, we will not write to you again.",
    "transcript_title": "The conversation",
    "transcript_you": "You",
    "transcript_visitor": "Visitor",
    "transcript_sent_subject": "A conversation with {desk}",
    "transcript_sent_1": "{name} at {desk} sends you this chat conversation.",
    "transcript_bot": "Assistant",
    "transcript_file": "File sent: {name} ({size})",
    "link_hint": "If the button does not work, copy this link:",
}


def french_spacing(text: str) -> str:
    """Put French's no-break spaces before : ; ? ! and inside « » (never a lone » on a
    line when the mail client wraps)."""
    return re.sub(r" ([:;?!»])", "\u00a0\\1", text).replace("« ", "«\u00a0")


#: A desk's name starting with one of these elides French's "de": "la console d'Ardenne
#: Cloud". (Not h: "de Hachette" but "d'Hôtel", which no rule tells apart.)
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüœæ")


def french_elision(template: str, values: Mapping[str, Any]) -> str:
    """Return ``template`` with "de {desk}" as "d'{desk}" when the desk's name (in
    ``values``) starts with a vowel."""
    desk = str(values.get("desk", ""))
    if desk[:1].lower() in _VOWELS:
        return template.replace("de {desk}", "d'{desk}")
    return template


_TEXTS = {"fr": {k: french_spacing(v) for k, v in _FR.items()}, "nl": _NL, "en": _EN}


def mail_text(lang: str, key: str, **values: Any) -> str:
    """Return the text ``key`` in ``lang`` (English when unknown), filled with ``values``."""
    template = _TEXTS.get(lang, _EN)[key]
    if lang == "fr":
        template = french_elision(template, values)
    return template.format(**values)
