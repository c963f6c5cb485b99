"""What people read for a department, in fr, nl and en: the desk's ``[departments.<id>]``
label, else the usual name of a common department, else its id made readable."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["department_name"]

#: The usual departments, named without configuration.
_COMMON: dict[str, dict[str, str]] = {
    "general": {"fr": "Général", "nl": "Algemeen", "en": "General"},
    "technical": {"fr": "Technique", "nl": "Technisch", "en": "Technical"},
    "billing": {"fr": "Facturation", "nl": "Facturatie", "en": "Billing"},
    "sales": {"fr": "Ventes", "nl": "Verkoop", "en": "Sales"},
    "support": {"fr": "Support", "nl": "Support", "en": "Support"},
    "abuse": {"fr": "Abus", "nl": "Misbruik", "en": "Abuse"},
}


def department_name(labels: Mapping[str, Mapping[str, str]], slug: str, lang: str) -> str:
    """Return the name of department ``slug`` in ``lang`` from the desk's ``labels``
    (falling back to English, then any language given), the common names, or the slug."""
    for names in (labels.get(slug), _COMMON.get(slug)):
        if names:
            found = names.get(lang) or names.get("en") or next(iter(names.values()), "")
            if found:
                return found
    return slug.replace("-", " ").capitalize()
