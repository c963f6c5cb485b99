"""``chatdesk requesters import FILE [--create-orgs] [--dry-run]``: a desk's customers
brought from a CRM or another helpdesk (a CSV file: docs/helpdesk.md, "Importing
requesters")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..errors import InvalidPayload
from ..helpdesk import Helpdesk
from ..helpdesk.importing import ImportReport, read_rows
from ..store import Store
from ..wire.importrows import COLUMNS
from .orgs import run_helpdesk

__all__ = ["add_import"]

#: The largest file read (about 100,000 requesters).
_MAX_BYTES = 20 * 1024 * 1024


def add_import(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``requesters import`` to the ``requesters`` sub-commands."""
    imports = sub.add_parser(
        "import",
        help="create or update requesters from a CSV file (a CRM's export)",
        description="Each row a requester: created if new, else brought up to date (a "
        "detail given replaces theirs; an empty cell leaves it), and put in the "
        f"organisation named. Columns: {', '.join(COLUMNS)} (email needed; a header line "
        "first; comma or semicolon; UTF-8). Every row is checked before anything is "
        "written; mistakes are named as FILE:LINE.",
    )
    imports.add_argument("file", type=Path)
    imports.add_argument(
        "--create-orgs", action="store_true",
        help="create the organisations the desk does not have yet (else: refused)",
    )  # fmt: skip
    imports.add_argument("--dry-run", action="store_true", help="say what it would do")
    imports.set_defaults(func=_import)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise InvalidPayload(f"{path}: larger than {_MAX_BYTES // 2**20} MB")
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"chatdesk: {path}: cannot read it as UTF-8 text ({exc})", file=sys.stderr)
        return 1
    except InvalidPayload as exc:
        print(f"chatdesk: {exc.message}", file=sys.stderr)
        return 1
    refused: list[str] = []

    async def work(hd: Helpdesk, store: Store) -> str:
        rows = read_rows(text, str(path))
        report = await hd.importing.run(rows, create_orgs=args.create_orgs, dry_run=args.dry_run)
        refused.extend(report.refused)
        return _said(report, dry_run=args.dry_run)

    status = run_helpdesk(settings, work)
    for line in refused:
        print(line, file=sys.stderr)
    return 1 if refused else status


def _said(report: ImportReport, *, dry_run: bool) -> str:
    orgs = (
        f"; organisations {'to create' if dry_run else 'created'}: "
        f"{', '.join(report.organisations)}"
        if report.organisations
        else ""
    )
    return (
        f"{report.rows} row(s): {report.created} new requester(s), {report.updated} updated,"
        f" {report.joined} put in an organisation{orgs}"
        + (" (a dry run: nothing written)" if dry_run else "")
    )
