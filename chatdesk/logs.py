"""Logging set-up: readable text, or one JSON object per line for log collectors."""

from __future__ import annotations

import logging
import os
import socket
import sys
import traceback
from datetime import UTC, datetime
from typing import Any, TextIO

import msgspec

__all__ = ["JsonFormatter", "configure_logging", "process_label"]

#: Attributes every LogRecord has: anything else on a record came as ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def process_label(name: str = "") -> str:
    """Return this process's name for metrics and logs: ``name``, or ``host:pid``."""
    return name or f"{socket.gethostname()}:{os.getpid()}"


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: ``time``, ``level``, ``logger``, ``message``,
    ``process``, the fields passed as ``extra=``, and ``exception`` when there is one.

    :param process: this process's name (:func:`process_label`).
    """

    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process
        self._encoder = msgspec.json.Encoder(enc_hook=repr)

    def format(self, record: logging.LogRecord) -> str:
        """Return ``record`` as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": self.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.stack_info:
            entry["stack"] = record.stack_info
        try:
            return self._encoder.encode(entry).decode()
        except (TypeError, ValueError, OverflowError):
            # An extra field msgspec cannot write (a dict with odd keys...): keep the line.
            return self._encoder.encode({k: repr(v) for k, v in entry.items()}).decode()


def configure_logging(
    level: str, fmt: str = "text", *, process: str = "", stream: TextIO | None = None
) -> None:
    """Send every log record to ``stream`` (stderr) as ``text`` or ``json``.

    Like :func:`logging.basicConfig`, it leaves alone a root logger that someone else
    (a test runner) already gave handlers.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    root.setLevel(level)
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(process_label(process)))
    else:
        handler.setFormatter(logging.Formatter(_TEXT))
    root.addHandler(handler)
