"""``[[rules]]`` of chatdesk.toml: what the desk does by itself to a new ticket.

A rule names conditions (``when``) and changes (``then``); the helpdesk applies every
matching rule, in file order, to a ticket being filed (helpdesk.autorules).
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .deskfile import RuleSection, RuleThen, RuleWhen
from .errors import InvalidPayload
from .helpdeskconfig import HelpdeskConfig
from .models import clean_tags

__all__ = ["LEAST_BUSY", "Facts", "RuleChanges", "TicketRule", "build_rules", "fold_words"]

_NON_WORD = re.compile(r"[^\w]+")
#: Longest rule name (it is shown in each ticket's history).
NAME_MAX = 80


def fold_words(text: str) -> str:
    """Return ``text``'s words case-folded and without accents, one space apart, with a
    space at each end (so ``" panne "`` is found as a whole word)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return f" {' '.join(_NON_WORD.sub(' ', bare).replace('_', ' ').split())} "


@dataclass(frozen=True, slots=True)
class Facts:
    """What a rule looks at: the ticket as filed so far (earlier rules' changes included).
    ``text``: the subject and first message as :func:`fold_words` gives them."""

    channel: str
    email: str
    organisation: str
    lang: str
    type: str
    priority: str
    department: str
    fields: Mapping[str, str]
    text: str


#: ``then.assign``'s word for "the least busy operator of the ticket's department" (the
#: fewest new and open tickets; those speaking the ticket's language first).
LEAST_BUSY = "least-busy"


@dataclass(frozen=True, slots=True)
class RuleChanges:
    """What a matching rule sets (None: leaves as it is)."""

    department: str | None = None
    priority: str | None = None
    type: str | None = None
    tags: frozenset[str] = frozenset()
    #: An operator's address, or :data:`LEAST_BUSY`.
    assign: str | None = None


@dataclass(frozen=True, slots=True)
class TicketRule:
    """One ``[[rules]]`` entry, checked. Empty conditions are not tested."""

    name: str
    then: RuleChanges
    channels: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()
    requesters: tuple[str, ...] = ()
    organisations: frozenset[str] = frozenset()
    langs: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def matches(self, facts: Facts) -> bool:
        """Return whether every condition of the rule holds for ``facts``."""
        chosen = (
            (self.channels, facts.channel),
            (self.langs, facts.lang),
            (self.types, facts.type),
            (self.priorities, facts.priority),
            (self.departments, facts.department),
            (self.organisations, fold_words(facts.organisation)),
        )
        if any(allowed and value not in allowed for allowed, value in chosen):
            return False
        if self.words and not any(w in facts.text for w in self.words):
            return False
        email = facts.email.lower()
        if self.requesters and not any(fnmatch.fnmatchcase(email, p) for p in self.requesters):
            return False
        return all(facts.fields.get(k) in values for k, values in self.fields.items())


def build_rules(
    sections: list[RuleSection], departments: tuple[str, ...], helpdesk: HelpdeskConfig
) -> tuple[TicketRule, ...]:
    """Check ``[[rules]]`` against the desk's departments, types, priorities and fields.

    :raises ValueError: naming the entry and the key that is wrong.
    """
    rules: list[TicketRule] = []
    for n, section in enumerate(sections, 1):
        where = f"[[rules]] #{n}"
        name = " ".join(section.name.split())
        if not 1 <= len(name) <= NAME_MAX:
            raise ValueError(f"{where} name: 1-{NAME_MAX} characters")
        if any(r.name == name for r in rules):
            raise ValueError(f"{where} name: {name!r} is used twice")
        where = f"[[rules]] {name!r}"
        then = _then(section.then, where, departments, helpdesk)
        rules.append(_when(section.when, where, departments, helpdesk, TicketRule(name, then)))
    return tuple(rules)


def _when(
    when: RuleWhen,
    where: str,
    departments: tuple[str, ...],
    helpdesk: HelpdeskConfig,
    rule: TicketRule,
) -> TicketRule:
    """Return ``rule`` with the conditions of ``when``, checked."""
    _known(when.department, departments, f"{where} when.department")
    _known(when.type, [t.value for t in helpdesk.types], f"{where} when.type")
    _known(when.priority, helpdesk.offered, f"{where} when.priority")
    fields = {f.id: f for f in helpdesk.fields}
    for key, values in when.fields.items():
        spec = fields.get(key)
        if spec is None:
            raise ValueError(f"{where} when.fields: {key!r} is not one of [[fields]]")
        if not values:
            raise ValueError(f"{where} when.fields.{key}: name at least one value")
        if spec.options:
            _known(values, [value for value, _ in spec.options], f"{where} when.fields.{key}")
    words = tuple(fold_words(w) for w in when.words)
    if any(not w.strip() for w in words):
        raise ValueError(f"{where} when.words: a word or phrase may not be empty")
    if any(not o.strip() for o in when.organisation):
        raise ValueError(f"{where} when.organisation: a name may not be empty")
    for pattern in when.requester:
        if "@" not in pattern:
            raise ValueError(
                f"{where} when.requester: {pattern!r} is not an address or a pattern"
                " such as '*@client.example'"
            )
    checked = replace(
        rule,
        channels=frozenset(when.channel),
        words=words,
        requesters=tuple(p.strip().lower() for p in when.requester),
        organisations=frozenset(fold_words(o) for o in when.organisation),
        langs=frozenset(when.lang),
        types=frozenset(when.type),
        priorities=frozenset(when.priority),
        departments=frozenset(when.department),
        fields={k: frozenset(v) for k, v in when.fields.items()},
    )
    if checked == rule:
        raise ValueError(f"{where} when: name at least one condition")
    return checked


def _then(
    then: RuleThen, where: str, departments: tuple[str, ...], helpdesk: HelpdeskConfig
) -> RuleChanges:
    types = [t.value for t in helpdesk.types]
    for key, value, allowed in (
        ("department", then.department, departments),
        ("type", then.type, types),
        ("priority", then.priority, helpdesk.offered),
    ):
        _known([value] if value else [], allowed, f"{where} then.{key}")
    try:
        tags = clean_tags(then.tags)
    except InvalidPayload as exc:
        raise ValueError(f"{where} then.tags: {exc.message}") from None
    assign = then.assign.strip().lower() if then.assign else None
    if assign is not None and "@" not in assign and assign != LEAST_BUSY:
        raise ValueError(
            f"{where} then.assign: {then.assign!r} is not an operator's address nor {LEAST_BUSY!r}"
        )
    changes = RuleChanges(then.department, then.priority, then.type, tags, assign)
    if changes == RuleChanges():
        raise ValueError(f"{where} then: name at least one change")
    return changes


def _known(values: Iterable[str], allowed: Iterable[str], where: str) -> None:
    choices = list(allowed)
    for value in values:
        if value not in choices:
            raise ValueError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
