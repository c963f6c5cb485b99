"""What the mail to operators says (:mod:`chatdesk.mail.staff`, and the weekly report of
:mod:`chatdesk.mail.weekly`), in French, Dutch and English."""

from __future__ import annotations

from typing import Any

from .texts import french_elision, french_spacing

__all__ = ["staff_text"]

_FR = {
    "weekly_unused": "Comptes actifs inutilisés depuis 3 mois : {names}. Désactivez ceux des "
    "personnes parties (page Opérateurs de la console).",
    "signin_subject": "{desk} : nouvelle connexion à votre compte",
    "signin_1": "Quelqu'un s'est connecté à votre compte sur la console de {desk} le {when}, "
    "depuis un navigateur où vous ne vous étiez encore jamais connecté.",
    "signin_2": "C'était vous ? Rien à faire. Sinon, changez tout de suite votre mot de passe "
    "sur la page de votre compte (vos autres sessions se ferment ; la page liste les "
    "navigateurs où vous êtes connecté), puis prévenez un administrateur.",
    "signin_device": "Navigateur :",
    "signin_address": "Adresse IP :",
    "signin_browser_on": "{browser} sur {system}",
    "signin_unknown_browser": "inconnu",
    "signin_action": "Ouvrir mon compte",
    "asked_1": "{by} vous envoie ce lien pour choisir un nouveau mot de passe pour votre "
    "compte sur la console de {desk}. Il sert une fois, pendant {days} jours.",
    "asked_2": "D'ici là, votre mot de passe actuel fonctionne toujours.",
    "changed_subject": "{desk} : votre mot de passe a changé",
    "changed_1": "Le mot de passe de votre compte sur la console de {desk} a été changé le {when}.",
    "changed_2": "C'était vous, ou un administrateur à votre demande ? Rien à faire. Sinon, "
    "prévenez tout de suite un administrateur, et choisissez-en un nouveau avec « Mot de passe "
    "oublié ? » sur la page de connexion.",
    "invite_1_desk": "Vous avez un compte sur la console de {desk}, où l'équipe répond aux "
    "chats et aux demandes.",
    "invite_subject": "{desk} : votre compte de la console",
    "invite_1": "{by} vous a créé un compte sur la console de {desk}, où l'équipe répond aux "
    "chats et aux demandes.",
    "invite_2": "Choisissez votre mot de passe avec ce lien : il sert une fois, pendant "
    "{days} jours. Ensuite, connectez-vous avec votre adresse e-mail et ce mot de passe.",
    "invite_action": "Choisir mon mot de passe",
    "reset_subject": "{desk} : choisir un nouveau mot de passe",
    "reset_1": "Quelqu'un, vous sans doute, a demandé un nouveau mot de passe pour votre "
    "compte de la console de {desk}. Ce lien vous permet d'en choisir un ; il sert une fois, "
    "pendant {minutes} minutes.",
    "reset_2": "Vous n'avez rien demandé ? Ignorez cet e-mail : votre mot de passe ne change pas.",
    "reset_action": "Choisir un mot de passe",
    "reset_footer": "Vous recevez cet e-mail parce que votre adresse a un compte de la console "
    "de {desk}.",
    "weekly_subject": "{desk} : la semaine {week} en chiffres",
    "weekly_1": "Voici la semaine dernière de {desk}, du {start} au {end}.",
    "weekly_opened": "Nouvelles demandes",
    "weekly_closed": "Clôturées",
    "weekly_first": "Premières réponses dans les délais",
    "weekly_first_time": "Première réponse, en moyenne",
    "weekly_resolved": "Résolues dans les délais",
    "weekly_resolution_time": "Résolution, en moyenne",
    "weekly_breaches": "Délais dépassés",
    "weekly_csat": "Satisfaction",
    "weekly_share": "{met} sur {n} ({pct}\u00a0%)",
    "weekly_pct": "{pct}\u00a0%",
    "weekly_before": "{value} (semaine {week} : {before})",
    "weekly_csat_value": "{average}/5, {n} avis ({pct}\u00a0% satisfaits)",
    "weekly_department": "{opened} nouvelles, {closed} clôturées",
    "weekly_days": "{d} j {h} h",
    "weekly_hours": "{h} h {m} min",
    "weekly_minutes": "{m} min",
    "weekly_action": "Ouvrir les rapports",
    "weekly_footer": "Vous recevez ce rapport comme administrateur ou responsable de service "
    "de {desk}. Il se coupe dans chatdesk.toml ([email] weekly_report), ou avec les e-mails "
    "de votre compte.",
    "staff_reply_1": "{requester} a répondu à la demande {label} « {subject} », qui vous est "
    "assignée :",
    "staff_new_1": "Nouvelle demande {label} « {subject} », de {requester}.",
    "staff_reply_open_1": "{requester} a répondu à la demande {label} « {subject} ».",
    "staff_contact_1": "{requester} a laissé ses coordonnées dans le chat : demande {label} "
    "« {subject} ».",
    "staff_chat_reply_1": "{requester} a répondu dans le chat à la demande {label} « {subject} ».",
    "staff_chat_1": "{requester} a répondu dans le chat à la demande {label} « {subject} », "
    "qui est rouverte.",
    "staff_assigned_1": "{by} vous a confié la demande {label} « {subject} ».",
    "staff_mention_1": "{by} vous cite dans une note interne sur la demande {label} "
    "« {subject} » :",
    "staff_assigned_auto": "La demande {label} « {subject} » vous a été confiée.",
    "staff_sla_warning": "La demande {label} « {subject} » approche de son délai de {target} : "
    "{due}.",
    "staff_sla_breach": "La demande {label} « {subject} » a dépassé son délai de {target} ({due}).",
    "staff_hold_1": "La demande {label} « {subject} » était en attente jusqu'au {until} : "
    "elle est de nouveau ouverte.",
    "staff_sla_who": "Elle n'est assignée à personne : ce message va au service {department}.",
    "staff_instead_of": "Vous recevez ce message à la place de {name}, absent(e), de retour le "
    "{day} : vous le ou la remplacez.",
    "staff_not_posted": "Votre e-mail sur la demande {label} « {subject} » n'a pas été publié : "
    "les e-mails des opérateurs ne sont pas ajoutés aux demandes. Répondez depuis la console.",
    "target_first_response": "première réponse",
    "target_resolution": "résolution",
    "staff_open": "Ouvrir dans la console",
    "staff_priority": "Priorité",
    "staff_files": "Fichiers joints",
    "staff_footer": "{desk} · Répondez depuis la console : une réponse à cet e-mail n'est pas "
    "publiée.",
    "staff_follow_answer": "{requester} a répondu à la demande {label} « {subject} », que vous "
    "suivez :",
    "staff_follow_reply": "{by} a répondu à la demande {label} « {subject} », que vous suivez :",
    "staff_follow_status_by": "{by} a changé le statut de la demande {label} « {subject} », que "
    "vous suivez : {from} → {to}.",
    "staff_follow_status": "Le statut de la demande {label} « {subject} », que vous suivez, a "
    "changé : {from} → {to}.",
    "staff_follow_footer": "{desk} · Vous suivez cette demande : arrêtez depuis sa page dans la "
    "console.",
    "status_new": "nouveau",
    "status_open": "ouvert",
    "status_pending": "en attente du demandeur",
    "status_on_hold": "en suspens",
    "status_resolved": "résolu",
    "status_closed": "fermé",
}
_NL = {
    "weekly_unused": "Actieve accounts die al 3 maanden niet gebruikt zijn: {names}. Schakel die "
    "van vertrokken medewerkers uit (pagina Medewerkers van de console).",
    "signin_subject": "{desk}: nieuwe aanmelding op uw account",
    "signin_1": "Er is op {when} aangemeld op uw account op de console van {desk}, vanuit "
    "een browser waarin u zich nog nooit had aangemeld.",
    "signin_2": "Was u het? Dan hoeft u niets te doen. Zo niet, wijzig dan meteen uw "
    "wachtwoord op uw accountpagina (uw andere sessies worden beëindigd; de pagina toont "
    "de browsers waarin u aangemeld bent) en verwittig een beheerder.",
    "signin_device": "Browser:",
    "signin_address": "IP-adres:",
    "signin_browser_on": "{browser} op {system}",
    "signin_unknown_browser": "onbekend",
    "signin_action": "Mijn account openen",
    "asked_1": "{by} stuurt u deze link om een nieuw wachtwoord te kiezen voor uw account op "
    "de console van {desk}. Hij werkt één keer, {days} dagen lang.",
    "asked_2": "Tot dan werkt uw huidige wachtwoord nog.",
    "changed_subject": "{desk}: uw wachtwoord is gewijzigd",
    "changed_1": "Het wachtwoord van uw account op de console van {desk} is gewijzigd op {when}.",
    "changed_2": "Was u het, of een beheerder op uw vraag? Dan hoeft u niets te doen. Anders: "
    "verwittig meteen een beheerder en kies een nieuw wachtwoord met “Wachtwoord vergeten?” "
    "op de aanmeldpagina.",
    "invite_1_desk": "U hebt een account op de console van {desk}, waar het team chats en "
    "aanvragen beantwoordt.",
    "invite_subject": "{desk}: uw account op de console",
    "invite_1": "{by} heeft een account voor u gemaakt op de console van {desk}, waar het team "
    "chats en aanvragen beantwoordt.",
    "invite_2": "Kies uw wachtwoord met deze link: hij werkt één keer, {days} dagen lang. "
    "Meld u daarna aan met uw e-mailadres en dat wachtwoord.",
    "invite_action": "Mijn wachtwoord kiezen",
    "reset_subject": "{desk}: een nieuw wachtwoord kiezen",
    "reset_1": "Iemand, wellicht u, heeft een nieuw wachtwoord gevraagd voor uw account op de "
    "console van {desk}. Met deze link kiest u er een; hij werkt één keer, {minutes} minuten "
    "lang.",
    "reset_2": "Hebt u niets gevraagd? Negeer deze e-mail dan: uw wachtwoord blijft hetzelfde.",
    "reset_action": "Een wachtwoord kiezen",
    "reset_footer": "U krijgt deze e-mail omdat uw adres een account heeft op de console van "
    "{desk}.",
    "weekly_subject": "{desk}: week {week} in cijfers",
    "weekly_1": "Dit was vorige week bij {desk}, van {start} tot {end}.",
    "weekly_opened": "Nieuwe aanvragen",
    "weekly_closed": "Gesloten",
    "weekly_first": "Eerste antwoorden op tijd",
    "weekly_first_time": "Eerste antwoord, gemiddeld",
    "weekly_resolved": "Op tijd opgelost",
    "weekly_resolution_time": "Oplossing, gemiddeld",
    "weekly_breaches": "Termijnen overschreden",
    "weekly_csat": "Tevredenheid",
    "weekly_share": "{met} van {n} ({pct}\u00a0%)",
    "weekly_pct": "{pct}\u00a0%",
    "weekly_before": "{value} (week {week}: {before})",
    "weekly_csat_value": "{average}/5, {n} beoordelingen ({pct}\u00a0% tevreden)",
    "weekly_department": "{opened} nieuw, {closed} gesloten",
    "weekly_days": "{d} d {h} u",
    "weekly_hours": "{h} u {m} min",
    "weekly_minutes": "{m} min",
    "weekly_action": "De rapporten openen",
    "weekly_footer": "U krijgt dit rapport als beheerder of dienstverantwoordelijke van "
    "{desk}. Het gaat uit in chatdesk.toml ([email] weekly_report), of met de e-mails van "
    "uw account.",
    "staff_reply_1": "{requester} heeft geantwoord op aanvraag {label} “{subject}”, die aan u "
    "is toegewezen:",
    "staff_new_1": "Nieuwe aanvraag {label} “{subject}”, van {requester}.",
    "staff_reply_open_1": "{requester} heeft geantwoord op aanvraag {label} “{subject}”.",
    "staff_contact_1": "{requester} liet contactgegevens achter in de chat: aanvraag {label} "
    "“{subject}”.",
    "staff_chat_reply_1": "{requester} heeft in de chat geantwoord op aanvraag {label} "
    "“{subject}”.",
    "staff_chat_1": "{requester} heeft in de chat geantwoord op aanvraag {label} “{subject}”, "
    "die opnieuw open staat.",
    "staff_assigned_1": "{by} heeft u aanvraag {label} “{subject}” toegewezen.",
    "staff_mention_1": "{by} noemt u in een interne notitie bij aanvraag {label} “{subject}”:",
    "staff_assigned_auto": "Aanvraag {label} “{subject}” is aan u toegewezen.",
    "staff_sla_warning": "Aanvraag {label} “{subject}” nadert de termijn voor {target}: {due}.",
    "staff_sla_breach": "Aanvraag {label} “{subject}” heeft de termijn voor {target} "
    "overschreden ({due}).",
    "staff_hold_1": "Aanvraag {label} “{subject}” stond in de wacht tot {until}: ze staat "
    "weer open.",
    "staff_sla_who": "Ze is aan niemand toegewezen: dit bericht gaat naar de afdeling "
    "{department}.",
    "staff_instead_of": "U krijgt dit in plaats van {name}, afwezig en terug op {day}: u "
    "vervangt deze collega.",
    "staff_not_posted": "Uw e-mail over aanvraag {label} “{subject}” is niet gepubliceerd: "
    "e-mails van medewerkers worden niet aan aanvragen toegevoegd. Antwoord vanuit de console.",
    "target_first_response": "het eerste antwoord",
    "target_resolution": "de oplossing",
    "staff_open": "Openen in de console",
    "staff_priority": "Prioriteit",
    "staff_files": "Bijgevoegde bestanden",
    "staff_footer": "{desk} · Antwoord vanuit de console: een antwoord op deze e-mail wordt niet "
    "gepubliceerd.",
    "staff_follow_answer": "{requester} heeft geantwoord op aanvraag {label} “{subject}”, die u "
    "volgt:",
    "staff_follow_reply": "{by} heeft geantwoord op aanvraag {label} “{subject}”, die u volgt:",
    "staff_follow_status_by": "{by} heeft de status van aanvraag {label} “{subject}”, die u "
    "volgt, gewijzigd: {from} → {to}.",
    "staff_follow_status": "De status van aanvraag {label} “{subject}”, die u volgt, is "
    "gewijzigd: {from} → {to}.",
    "staff_follow_footer": "{desk} · U volgt deze aanvraag: stop ermee op de pagina ervan in de "
    "console.",
    "status_new": "nieuw",
    "status_open": "open",
    "status_pending": "wacht op de aanvrager",
    "status_on_hold": "in de wacht",
    "status_resolved": "opgelost",
    "status_closed": "gesloten",
}
_EN = {
    "weekly_unused": "Active accounts unused for 3 months: {names}. Disable those of people who "
    "left (the console's Operators page).",
    "signin_subject": "{desk}: a new sign-in to your account",
    "signin_1": "Someone signed in to your account on the {desk} console on {when}, from a "
    "browser you had never signed in on before.",
    "signin_2": "Was it you? Then there is nothing to do. If not, change your password now "
    "on your account page (your other sessions end; the page lists the browsers you are "
    "signed in on), then tell an administrator.",
    "signin_device": "Browser:",
    "signin_address": "IP address:",
    "signin_browser_on": "{browser} on {system}",
    "signin_unknown_browser": "unknown",
    "signin_action": "Open my account",
    "asked_1": "{by} sends you this link to choose a new password for your account on the "
    "{desk} console. It works once, for {days} days.",
    "asked_2": "Until then, your current password still works.",
    "changed_subject": "{desk}: your password was changed",
    "changed_1": "The password of your account on the {desk} console was changed on {when}.",
    "changed_2": "Was it you, or an administrator at your request? Then there is nothing to do. "
    "Otherwise, tell an administrator at once, and choose a new one with “Forgot your "
    "password?” on the sign-in page.",
    "invite_1_desk": "You have an account on the {desk} console, where the team answers chats "
    "and requests.",
    "invite_subject": "{desk}: your account on the console",
    "invite_1": "{by} made you an account on the {desk} console, where the team answers chats "
    "and requests.",
    "invite_2": "Choose your password with this link: it works once, for {days} days. Then sign "
    "in with your e-mail address and that password.",
    "invite_action": "Choose my password",
    "reset_subject": "{desk}: choose a new password",
    "reset_1": "Someone, most likely you, asked for a new password for your account on the "
    "{desk} console. This link lets you choose one; it works once, for {minutes} minutes.",
    "reset_2": "You did not ask for it? Ignore this e-mail: your password stays as it is.",
    "reset_action": "Choose a password",
    "reset_footer": "You get this e-mail because your address has an account on the {desk} "
    "console.",
    "weekly_subject": "{desk}: week {week} in figures",
    "weekly_1": "Here is last week at {desk}, from {start} to {end}.",
    "weekly_opened": "New tickets",
    "weekly_closed": "Closed",
    "weekly_first": "First replies in time",
    "weekly_first_time": "Average first reply",
    "weekly_resolved": "Resolved in time",
    "weekly_resolution_time": "Average resolution",
    "weekly_breaches": "Targets missed",
    "weekly_csat": "Satisfaction",
    "weekly_share": "{met} of {n} ({pct}%)",
    "weekly_pct": "{pct}%",
    "weekly_before": "{value} (week {week}: {before})",
    "weekly_csat_value": "{average}/5 from {n} ratings ({pct}% satisfied)",
    "weekly_department": "{opened} new, {closed} closed",
    "weekly_days": "{d} d {h} h",
    "weekly_hours": "{h} h {m} min",
    "weekly_minutes": "{m} min",
    "weekly_action": "Open the reports",
    "weekly_footer": "You receive this report as an admin or service manager of {desk}. It is "
    "turned off in chatdesk.toml ([email] weekly_report), or with your account's e-mail.",
    "staff_reply_1": "{requester} answered request {label} “{subject}”, assigned to you:",
    "staff_new_1": "New request {label} “{subject}”, from {requester}.",
    "staff_reply_open_1": "{requester} answered request {label} “{subject}”.",
    "staff_contact_1": "{requester} left their details in the chat: request {label} “{subject}”.",
    "staff_chat_reply_1": "{requester} answered request {label} “{subject}” in the chat.",
    "staff_chat_1": "{requester} answered request {label} “{subject}” in the chat; it is open "
    "again.",
    "staff_assigned_1": "{by} gave you request {label} “{subject}”.",
    "staff_mention_1": "{by} mentioned you in an internal note on request {label} “{subject}”:",
    "staff_assigned_auto": "Request {label} “{subject}” was given to you.",
    "staff_sla_warning": "Request {label} “{subject}” is close to its {target} target: {due}.",
    "staff_sla_breach": "Request {label} “{subject}” missed its {target} target ({due}).",
    "staff_hold_1": "Request {label} “{subject}” was on hold until {until}: it is open again.",
    "staff_sla_who": "Nobody is assigned: this goes to the {department} department.",
    "staff_instead_of": "You get this in place of {name}, out of office and back on {day}: you "
    "stand in for them.",
    "staff_not_posted": "Your e-mail on request {label} “{subject}” was not posted: operators' "
    "e-mails are not added to requests. Answer from the console.",
    "target_first_response": "first response",
    "target_resolution": "resolution",
    "staff_open": "Open in the console",
    "staff_priority": "Priority",
    "staff_files": "Attached files",
    "staff_footer": "{desk} · Answer from the console: a reply to this e-mail is not posted.",
    "staff_follow_answer": "{requester} answered request {label} “{subject}”, which you follow:",
    "staff_follow_reply": "{by} replied to request {label} “{subject}”, which you follow:",
    "staff_follow_status_by": "{by} changed the status of request {label} “{subject}”, which you "
    "follow: {from} → {to}.",
    "staff_follow_status": "The status of request {label} “{subject}”, which you follow, changed: "
    "{from} → {to}.",
    "staff_follow_footer": "{desk} · You follow this request: stop on its page in the console.",
    "status_new": "new",
    "status_open": "open",
    "status_pending": "waiting for the requester",
    "status_on_hold": "on hold",
    "status_resolved": "resolved",
    "status_closed": "closed",
}
_TEXTS = {"fr": {k: french_spacing(v) for k, v in _FR.items()}, "nl": _NL, "en": _EN}


def staff_text(lang: str, key: str, **values: Any) -> str:
    """Return the text ``key`` in ``lang`` (English if unknown), filled in."""
    template = _TEXTS.get(lang, _EN)[key]
    if lang == "fr":
        template = french_elision(template, values)
    return template.format(**values)
