"""``[[webhooks]]`` of chatdesk.toml: where ticket changes are posted, and which ones."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .deskfile import WebhookSection

__all__ = ["EVENTS", "Webhook", "build_webhooks"]

#: Every event a webhook may receive: ``ticket.<kind>`` for each kind of history row
#: (docs/api.md lists them), a public message, an internal note, a requester's or an
#: organisation's record. New kinds may come.
EVENTS = frozenset(
    {
        *(
            f"ticket.{kind}"
            for kind in (
                "created", "status", "assignee", "priority", "department", "type", "subject",
                "fields", "merged_into", "merged_from", "follow_up", "sla_warning",
                "sla_breach", "auto_close", "csat", "cc", "tags", "hold", "hold_ended",
                "requester", "chat", "mention", "concerning", "time", "rule", "split_to",
                "split_from", "linked", "unlinked", "incident_linked", "incident_unlinked",
                "linked_reply",
            )
        ),
        "message.created",
        "note.created",
        *(f"{record}.{kind}" for record in ("requester", "organisation")
          for kind in ("created", "updated", "deleted")),
    }
)  # fmt: skip
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Webhook:
    """One endpoint: its ``name`` (its signing secret derives from it), its URL, and the
    events it wants (``fnmatch`` patterns: ``*``, ``ticket.*``, ``message.created``)."""

    name: str
    url: str
    events: tuple[str, ...] = ("*",)

    def wants(self, event: str) -> bool:
        """Return whether this endpoint takes ``event``."""
        return any(fnmatch.fnmatchcase(event, pattern) for pattern in self.events)


def build_webhooks(sections: list[WebhookSection]) -> tuple[Webhook, ...]:
    """Check ``[[webhooks]]``. :raises ValueError: naming the entry and what is wrong."""
    hooks: list[Webhook] = []
    for n, section in enumerate(sections, 1):
        where = f"[[webhooks]] #{n}"
        if not _NAME.match(section.name):
            raise ValueError(
                f"{where} name: {section.name!r} must be 1-40 lower-case letters, digits, - or _"
            )
        if any(h.name == section.name for h in hooks):
            raise ValueError(f"{where} name: {section.name!r} is used twice")
        parts = urlsplit(section.url.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"{where} url: {section.url!r} must be an http:// or https:// URL")
        if parts.username or parts.password:
            raise ValueError(f"{where} url: no user or password in the URL (requests are signed)")
        if not section.events:
            raise ValueError(f'{where} events: name at least one event ("*" for all)')
        for pattern in section.events:
            if not any(fnmatch.fnmatchcase(event, pattern) for event in EVENTS):
                raise ValueError(f"{where} events: {pattern!r} matches no event")
        hooks.append(Webhook(section.name, section.url.strip(), tuple(section.events)))
    return tuple(hooks)
