"""Requesters imported from a CSV file (a desk's customers brought from a CRM or another
helpdesk): created or brought up to date, put in their organisations. Every row is checked
before anything is written; a mistake is named as ``file:line``."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import msgspec

from ..errors import InvalidPayload
from ..models import Organisation, OrgRole, Requester, RequesterSummary, utcnow
from ..operators import normalize_email
from ..store import Store
from ..wire.importrows import COLUMNS, ImportRow
from .people import RequesterService, clean_note

__all__ = [
    "ImportReport",
    "ImportRows",
    "RequesterImport",
    "clean_row",
    "export_row",
    "read_rows",
]

#: Mistakes listed before the reading stops.
_MAX_ERRORS = 20


@dataclass(frozen=True, slots=True)
class ImportRows:
    """A file's rows, checked: ``(line, row)`` with each address normalised."""

    source: str
    rows: list[tuple[int, ImportRow]]


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, dry, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    joined: int = 0
    organisations: list[str] = field(default_factory=list)
    #: ``file:line: why`` for each row left out (an organisation full).
    refused: list[str] = field(default_factory=list)


def read_rows(text: str, source: str) -> ImportRows:
    """Return the file's rows, checked.

    :raises InvalidPayload: ``import_file``, naming each mistake as ``source:line`` (up
        to 20).
    """
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise InvalidPayload(f"{source}:1: no header line (email, name...)", code="import_file")
    first = lines[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "email" not in header or len(set(header)) != len(header):
        raise InvalidPayload(
            f"{source}:1: the columns are among {', '.join(COLUMNS)} (each once, email"
            f" needed); not {', '.join(repr(h) for h in unknown) or 'this header'}",
            code="import_file",
        )
    rows: list[tuple[int, ImportRow]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        try:
            row = _row(header, cells)
        except msgspec.ValidationError as exc:
            # "Expected `str` of length <= 100 - at `$.name`" -> "name: Expected ..."
            text, _, where = str(exc).partition(" - at `$.")
            errors.append(f"{source}:{line}: {where.rstrip('`') + ': ' if where else ''}{text}")
        except InvalidPayload as exc:
            errors.append(f"{source}:{line}: {exc.message}")
        else:
            if row.email in seen:
                errors.append(f"{source}:{line}: {row.email} is on line {seen[row.email]} too")
            seen.setdefault(row.email, line)
            rows.append((line, row))
        if len(errors) >= _MAX_ERRORS:
            break
    if errors:
        raise InvalidPayload("\n".join(errors), code="import_file")
    return ImportRows(source, rows)


def _row(header: list[str], cells: list[str]) -> ImportRow:
    if len(cells) > len(header):
        raise InvalidPayload(f"{len(cells)} cells for {len(header)} columns")
    given = {h: _unquoted(c.strip()) for h, c in zip(header, cells, strict=False)}
    if "note" in given:  # a cell is one line: "\n" writes a new line
        given["note"] = given["note"].replace("\\n", "\n")
    return clean_row(msgspec.convert(given, ImportRow))


def export_row(line: RequesterSummary) -> tuple[str, ...]:
    """Return a directory line as a row of the import file's columns (the note's new
    lines as ``\\n``): what ``read_rows`` reads back as it was."""
    r = line.requester
    role = r.org_role.value if line.organisation else ""
    return (r.email, r.name, r.phone, r.lang, line.organisation, role,
            r.note.replace("\n", "\\n"))  # fmt: skip


def _unquoted(cell: str) -> str:
    """A cell as written before a spreadsheet-safe export quoted it: ``'+32 2 555`` (a
    leading apostrophe before ``= + - @``, which a spreadsheet would run) is ``+32 2 555``."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def clean_row(row: ImportRow) -> ImportRow:
    """Return ``row`` as kept: the address normalised, spaces collapsed, the note's
    lines trimmed.

    :raises InvalidPayload: ``invalid_email``, ``note``; a role without an organisation.
    """
    if row.role and not row.organisation:
        raise InvalidPayload("a role needs an organisation")
    return msgspec.structs.replace(
        row,
        email=normalize_email(row.email),
        name=" ".join(row.name.split()),
        phone=" ".join(row.phone.split()),
        organisation=" ".join(row.organisation.split()),
        note=clean_note(row.note),
    )


class RequesterImport:
    """Apply a file's rows: each requester created or brought up to date (a detail given
    replaces theirs; an empty cell leaves it), put in their organisation."""

    def __init__(
        self, store: Store, people: RequesterService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.people = people
        self.clock = clock

    async def run(
        self, rows: ImportRows, *, create_orgs: bool = False, dry_run: bool = False
    ) -> ImportReport:
        """Import ``rows`` (``dry_run``: count what it would do, write nothing).

        :raises InvalidPayload: ``import_file``: organisations the desk does not have
            (without ``create_orgs``), each as ``file:line``; nothing is written then.
        """
        orgs, names = await self._organisations(rows, create_orgs=create_orgs)
        report = ImportReport(rows=len(rows.rows))
        new = sorted((key for key, org in orgs.items() if org is None), key=names.__getitem__)
        report.organisations = [names[key] for key in new]
        if not dry_run:
            for key in new:
                orgs[key] = await self.people.add_organisation(names[key])
        for line, row in rows.rows:
            known = await self.store.requesters.find_requester(row.email)
            if known is None:
                report.created += 1
            elif _changes(known, row):
                report.updated += 1
            org = orgs.get(row.organisation.casefold()) if row.organisation else None
            role = OrgRole(row.role or (known.org_role if known else "member"))
            joins = bool(row.organisation) and (
                known is None
                or org is None
                or (known.organisation_id, known.org_role) != (org.id, role)
            )
            if dry_run:
                report.joined += joins
                continue
            requester = await self._save(known, row)
            if joins and org is not None:
                if await self.store.requesters.set_member(requester.id, org.id, role):
                    report.joined += 1
                else:
                    report.refused.append(
                        f"{rows.source}:{line}: {org.name} has {org.max_members} members"
                        f" already ({row.email} was not put in it)"
                    )
        return report

    async def save_one(self, row: ImportRow) -> tuple[Requester, bool]:
        """Create the requester of ``row`` (checked by :func:`clean_row`; no organisation)
        or bring them up to date; return them and whether they are new."""
        known = await self.store.requesters.find_requester(row.email)
        return await self._save(known, row), known is None

    async def _organisations(
        self, rows: ImportRows, *, create_orgs: bool
    ) -> tuple[dict[str, Organisation | None], dict[str, str]]:
        """Return the file's organisations by folded name (None: to create), and each
        one's name as the file first writes it."""
        found: dict[str, Organisation | None] = {}
        names: dict[str, str] = {}
        missing: list[str] = []
        for line, row in rows.rows:
            key = row.organisation.casefold()
            if not row.organisation or key in found:
                continue
            names[key] = row.organisation
            found[key] = await self.store.requesters.find_organisation(row.organisation)
            if found[key] is None and not create_orgs:
                missing.append(f"{rows.source}:{line}: no organisation {row.organisation!r}")
        if missing:
            missing.append("(create them first, or import with --create-orgs)")
            raise InvalidPayload("\n".join(missing[: _MAX_ERRORS + 1]), code="import_file")
        return found, names

    async def _save(self, known: Requester | None, row: ImportRow) -> Requester:
        if known is None:
            # As a first request would: someone at an organisation's domain joins it.
            known = await self.people.requester(
                row.email, name=row.name, phone=row.phone, lang=row.lang
            )
        elif _changes(known, row):
            updated = await self.store.requesters.update_requester(
                known.id, name=row.name or known.name, phone=row.phone or known.phone,
                lang=row.lang or known.lang,
            )  # fmt: skip
            known = updated or known
        if row.note and row.note != known.note:
            known = await self.store.requesters.set_requester_note(known.id, row.note) or known
        return known


def _changes(known: Requester, row: ImportRow) -> bool:
    """Whether the row gives a detail that differs from the requester's."""
    return any(
        given and given != have
        for given, have in (
            (row.name, known.name), (row.phone, known.phone), (row.lang, known.lang),
            (row.note, known.note),
        )
    )  # fmt: skip
