"""Two organisations of one customer merged: the SQL both backends share (parameters: $1
the organisation merged, $2 the one kept)."""

from __future__ import annotations

import json

__all__ = ["MERGE_ORGANISATION", "NOTICES_OF", "SET_AUDIENCE", "moved_audience"]

#: In order; the last deletes the organisation merged, and its foreign keys cascade what
#: was copied (addresses, seats) and set nothing else (everything else moved first).
MERGE_ORGANISATION = (
    "UPDATE requesters SET organisation_id = $2 WHERE organisation_id = $1",
    "UPDATE tickets SET organisation_id = $2 WHERE organisation_id = $1",
    "UPDATE organisation_domains SET organisation_id = $2 WHERE organisation_id = $1",
    "UPDATE invitations SET organisation_id = $2 WHERE organisation_id = $1",
    "INSERT INTO org_addresses (organisation_id, kind, email)"
    " SELECT $2, kind, email FROM org_addresses WHERE organisation_id = $1"
    " ON CONFLICT DO NOTHING",
    "INSERT INTO site_seats (organisation_id, site_id, requester_id, created_at)"
    " SELECT $2, site_id, requester_id, created_at FROM site_seats WHERE organisation_id = $1"
    " ON CONFLICT DO NOTHING",
    # A saved view of the customer's tickets shows the organisation kept.
    "UPDATE saved_views SET query = REPLACE(query, 'org=' || $1, 'org=' || $2)"
    " WHERE query LIKE '%org=' || $1 || '%'",
    "DELETE FROM organisations WHERE id = $1 AND id <> $2",
)
#: The notices whose audience names the organisation merged ($1).
NOTICES_OF = "SELECT id, audience FROM notices WHERE audience LIKE '%' || $1 || '%'"
#: Parameters: the notice's id, its audience (JSON).
SET_AUDIENCE = "UPDATE notices SET audience = $2 WHERE id = $1"


def moved_audience(audience: str, source: str, target: str) -> str:
    """A notice's audience (a JSON list of organisation ids) naming ``target`` where it
    named ``source``, each once."""
    ids = [target if i == source else i for i in json.loads(audience)]
    return json.dumps(list(dict.fromkeys(ids)))
