"""What the helpdesk tells requesters when it refuses something, in fr, nl and en."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Requester

__all__ = ["helpdesk_text", "people_list"]

_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "access_denied": "Ce service est réservé aux clients sous contrat et aux personnes "
        "invitées. Demandez une invitation à votre contact chez nous.",
        "seats_full": "Le site {site} a déjà autant d'éditeurs que permis ({count}) : "
        "{editors}. Demandez à un administrateur de votre organisation ({admins}) de "
        "libérer une place ; il le fait dans le portail, sous « Mon organisation ».",
        "no_admin": "aucun administrateur désigné : contactez-nous",
        "blocked": "Nous n'acceptons pas de demandes de cette adresse.",
    },
    "nl": {
        "access_denied": "Deze dienst is voorbehouden aan klanten met een contract en aan "
        "genodigden. Vraag een uitnodiging aan uw contactpersoon bij ons.",
        "seats_full": "De site {site} heeft al het toegelaten aantal editors ({count}): "
        "{editors}. Vraag een beheerder van uw organisatie ({admins}) om een plaats vrij "
        "te maken; dat kan in het portaal, onder “Mijn organisatie”.",
        "no_admin": "geen beheerder aangeduid: neem contact met ons op",
        "blocked": "Wij aanvaarden geen aanvragen van dit adres.",
    },
    "en": {
        "access_denied": "This desk serves customers under contract and invited people. "
        "Ask your contact with us for an invitation.",
        "seats_full": "Site {site} already has as many editors as allowed ({count}): "
        "{editors}. Ask an admin of your organisation ({admins}) to free a seat; they do it "
        "in the portal, under “My organisation”.",
        "no_admin": "no admin named yet: contact us",
        "blocked": "We do not accept requests from this address.",
    },
}


def helpdesk_text(lang: str, key: str, **values: object) -> str:
    """Return the text ``key`` in ``lang`` (English when unknown), filled with ``values``."""
    return _TEXTS.get(lang, _TEXTS["en"])[key].format(**values)


def people_list(people: Iterable[Requester], *, addresses: bool = True) -> str:
    """Return ``Name <email>, …`` for a message; without ``addresses`` (a page anyone may
    reach, such as the public form), names alone, or a masked address for someone
    without a name (``e…@example.com``)."""
    if addresses:
        return ", ".join(p.display for p in people)
    return ", ".join(p.name or _masked(p.email) for p in people)


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"
