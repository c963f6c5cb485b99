"""Running a batch of store jobs in one transaction, and answering their futures."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from ...errors import ChatdeskError, StoreError

__all__ = ["as_store_error", "run_jobs", "settle"]

log = logging.getLogger("chatdesk.store.sqlite.worker")  # where these lines were logged


def run_jobs(
    conn: sqlite3.Connection, jobs: list[tuple[Callable[[sqlite3.Connection], Any], bool]]
) -> list[tuple[Any, BaseException | None]]:
    """Run ``jobs`` (each a function and whether it writes) in the open transaction, then
    commit; return each one's value or error (a domain error as raised, anything else as
    a :class:`StoreError`). A failing job undoes only itself.

    The jobs first run back to back with nothing between them. Only if one fails is the
    transaction rolled back and the batch run again, each writer in its own savepoint:
    ``SAVEPOINT`` and ``RELEASE`` are two statements more per job, for a failure that
    the hot path almost never sees (a job's writes are all undone by the rollback, and a
    job run again sees what it saw the first time).

    :raises sqlite3.Error: if the transaction itself failed (then rolled back).
    """
    try:
        outcomes: list[tuple[Any, BaseException | None]] = []
        for fn, _ in jobs:
            try:
                outcomes.append((fn(conn), None))
            except Exception:
                break
        else:
            if conn.in_transaction:
                conn.execute("COMMIT")
            return outcomes
        if conn.in_transaction:
            conn.execute("ROLLBACK")
            conn.execute("BEGIN IMMEDIATE")
        outcomes = [_run_saved(conn, fn, write) for fn, write in jobs]
        if conn.in_transaction:
            conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


def _run_saved(
    conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], Any], write: bool
) -> tuple[Any, BaseException | None]:
    """Run one job of a batch that failed once; a writer in a savepoint of its own."""
    saved = write and conn.in_transaction
    if saved:
        conn.execute("SAVEPOINT job")
    try:
        value = fn(conn)
    except Exception as exc:
        if saved:
            conn.execute("ROLLBACK TO job")
            conn.execute("RELEASE job")
        return None, exc if isinstance(exc, ChatdeskError) else as_store_error(exc)
    if saved:
        conn.execute("RELEASE job")
    return value, None


def as_store_error(exc: BaseException) -> StoreError:
    """Log ``exc`` and return the error callers see instead."""
    log.error("store error", exc_info=exc)
    error = StoreError("the store failed; please retry")
    error.__cause__ = exc
    return error


def settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    """Answer ``future`` with ``value`` or ``error``, unless its caller gave up."""
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
