"""``chatdesk db migrate | copy | backup``: the database's schema, moves and backups."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings, database_backend, hide_password, sqlite_path
from ..errors import ConfigError
from ..store import SqliteStore
from ..store.copy import copy_desk
from ..store.migrations import SCHEMA_VERSION
from ..store.postgres import migrate

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``db`` and its sub-commands to the command line."""
    parser = commands.add_parser("db", help="migrate, copy or back up the desk's database")
    sub = parser.add_subparsers(dest="db_command", required=True)

    sub.add_parser(
        "migrate", help="bring the database's schema up to date (CHATDESK_DATABASE_URL)"
    ).set_defaults(func=_migrate)

    copy = sub.add_parser(
        "copy", help="copy a whole desk from a SQLite file into an empty PostgreSQL database"
    )
    copy.add_argument("--from", dest="source", required=True, metavar="sqlite:///PATH")
    copy.add_argument("--to", dest="target", required=True, metavar="postgresql://...")
    copy.add_argument("--force", action="store_true", help="replace what the target holds")
    copy.set_defaults(func=_copy)

    backup = sub.add_parser("backup", help="back up the SQLite database while the desk runs")
    backup.add_argument(
        "file", nargs="?", type=Path, help="where to write it (default DATA_DIR/backups/...)"
    )
    backup.set_defaults(func=_backup)


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    if settings.backend == "postgresql":
        before, after = asyncio.run(migrate(settings.database_url))
        where = f"PostgreSQL {hide_password(settings.database_url)}"
    else:
        path = settings.sqlite_path
        before = _sqlite_version(path)

        async def open_and_close() -> None:
            store = SqliteStore(path)  # SQLite migrates itself at open
            await store.open()
            await store.close()

        asyncio.run(open_and_close())
        after = SCHEMA_VERSION
        where = f"SQLite {path}"
    if before == after:
        print(f"{where}: schema at version {after}, up to date")
    else:
        print(f"{where}: schema migrated from version {before} to {after}")
    return 0


def _sqlite_version(path: Path) -> int:
    if not path.is_file():
        return 0
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _copy(args: argparse.Namespace, settings: Settings) -> int:
    if database_backend(args.source) != "sqlite" or database_backend(args.target) != "postgresql":
        raise ConfigError(
            "db copy goes from a SQLite file (--from sqlite:///PATH) to "
            "PostgreSQL (--to postgresql://...)"
        )
    source = sqlite_path(args.source)
    counts = asyncio.run(copy_desk(source, args.target, force=args.force))
    width = max(len(c.table) for c in counts)
    for count in counts:
        print(f"{count.table:<{width}}  {count.target:>9}")
    total = sum(c.target for c in counts)
    print(f"copied {total} rows from {source} to {hide_password(args.target)}; counts verified")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if settings.backend == "postgresql":
        target = args.file or Path(f"chatdesk-{stamp}.dump")
        print(
            "chatdesk db backup: a PostgreSQL database is backed up with PostgreSQL's own "
            "pg_dump (consistent while the desk runs); run:\n"
            f"  pg_dump --format=custom --file={target} "
            f"--dbname='{hide_password(settings.database_url, drop=True)}'\n"
            "(a password left out here comes from PGPASSWORD or ~/.pgpass; restore with "
            "pg_restore --dbname=URL FILE into an empty database)",
            file=sys.stderr,
        )
        return 1  # nothing was written: a script must not take this for a backup
    source = settings.sqlite_path
    if not source.is_file():
        raise ConfigError(f"no SQLite database at {source}")
    target = args.file or settings.data_dir / "backups" / f"chatdesk-{stamp}.sqlite3"
    if target.exists():
        raise ConfigError(f"{target} exists; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # The online backup API: a consistent copy while the desk keeps writing.
        src.backup(dst)
        (check,) = dst.execute("PRAGMA quick_check").fetchone()
    finally:
        dst.close()
        src.close()
    if check != "ok":
        raise ConfigError(f"the backup in {target} does not check: {check}")
    print(f"backed up {source} to {target} ({target.stat().st_size} bytes)")
    return 0
