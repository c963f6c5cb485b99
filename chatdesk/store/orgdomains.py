"""Organisations' e-mail domains in SQL shared by the backends (``$n`` placeholders;
SQLite's turn them into ``?``, numbered in order)."""

from __future__ import annotations

from .threadrows import ORGANISATION_COLUMNS

__all__ = [
    "ADD_DOMAIN",
    "DOMAIN_ORGANISATION",
    "JOINABLE",
    "ORGANISATION_DOMAINS",
    "REMOVE_DOMAIN",
]

#: ``$1`` domain, ``$2`` organisation, ``$3`` time.
ADD_DOMAIN = (
    "INSERT INTO organisation_domains (domain, organisation_id, created_at) VALUES ($1, $2, $3)"
)
#: ``$1`` organisation, ``$2`` domain.
REMOVE_DOMAIN = "DELETE FROM organisation_domains WHERE organisation_id = $1 AND domain = $2"
#: ``$1`` organisation; ``{collate}``: PostgreSQL's ``COLLATE "C"`` (byte order, as
#: SQLite's own).
ORGANISATION_DOMAINS = (
    "SELECT domain FROM organisation_domains WHERE organisation_id = $1 ORDER BY domain{collate}"
)
_O = ", ".join(f"o.{c.strip()}" for c in ORGANISATION_COLUMNS.split(","))
#: ``$1`` domain.
DOMAIN_ORGANISATION = (
    f"SELECT {_O} FROM organisation_domains d"  # noqa: S608
    " JOIN organisations o ON o.id = d.organisation_id WHERE d.domain = $1"
)
#: ``$1`` the address's end (``%@example.com``; a domain has no ``%`` nor ``_``), ``$2``
#: how many at most: the ids of the requesters of no organisation, oldest first.
JOINABLE = (
    "SELECT id FROM requesters WHERE organisation_id IS NULL AND email LIKE $1"
    " ORDER BY created_at, id LIMIT $2"
)
