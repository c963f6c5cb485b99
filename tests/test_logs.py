"""Logs: one JSON object per line with CHATDESK_LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging

from chatdesk.logs import JsonFormatter, configure_logging, process_label


def test_a_json_line_has_the_fields_extras_and_exception() -> None:
    formatter = JsonFormatter("web-1")
    record = logging.LogRecord("chatdesk.jobs", logging.INFO, __file__, 1, "job %s", ("x",), None)
    record.job = "routing"
    line = json.loads(formatter.format(record))
    assert line["level"] == "INFO" and line["logger"] == "chatdesk.jobs"
    assert (line["message"], line["process"], line["job"]) == ("job x", "web-1", "routing")
    assert line["time"].endswith("+00:00")
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "oops", (), sys.exc_info())
    failed.odd = {1: object()}  # not JSON as such: written with repr, the line is kept
    line = json.loads(formatter.format(failed))
    assert "ValueError: boom" in line["exception"] and "object" in str(line["odd"])


def test_configure_writes_json_unless_someone_configured_logging_first() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers.clear()
    stream = io.StringIO()
    try:
        configure_logging("INFO", "json", process="p1", stream=stream)
        logging.getLogger("chatdesk.test").info("hello", extra={"conversation_id": "c1"})
        line = json.loads(stream.getvalue())
        assert (line["message"], line["process"], line["conversation_id"]) == ("hello", "p1", "c1")
        configure_logging("DEBUG", "text", stream=io.StringIO())  # already set up: no change
        assert len(root.handlers) == 1
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def test_a_process_is_host_and_pid_unless_named() -> None:
    assert process_label("web-1") == "web-1"
    assert process_label().endswith(":" + str(__import__("os").getpid()))
