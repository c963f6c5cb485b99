"""``chatdesk tickets import`` through the real command line, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatdesk.helpdesk import Helpdesk
from chatdesk.store import Store

from .test_cli import data_dir, on_helpdesk, run

__all__ = ["data_dir"]  # the fixture, used by name

TICKET = {
    "ref": "freshdesk:88",
    "requester": {"email": "tom@example.be"},
    "subject": "Backup failed",
    "assignee": "gone@old.example",
    "messages": [{"author": "requester", "text": "Since Monday.", "ts": "2025-05-05T08:00:00Z"}],
}


def test_tickets_are_imported_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text(json.dumps(TICKET) + "\n" + json.dumps(TICKET | {"ref": "x", "status": "lost"}))
    status, _, err = run(capsys, monkeypatch, "tickets", "import", str(path))
    assert status == 1 and f"{path}:2: status: Invalid enum value 'lost'" in err
    path.write_text(json.dumps(TICKET) + "\n")
    status, out, err = run(capsys, monkeypatch, "tickets", "import", str(path), "--dry-run")
    assert status == 0, err
    assert out.splitlines() == [
        "1 ticket(s): 1 would be imported, 0 imported before",
        "left unassigned (no operator of this desk has the address): gone@old.example",
    ]
    status, out, err = run(capsys, monkeypatch, "tickets", "import", str(path))
    assert status == 0, err
    assert out.splitlines()[0] == (
        "1 ticket(s): 1 imported (#000001 to #000001), 0 imported before; 1 new requester(s)"
    )
    status, out, _ = run(capsys, monkeypatch, "tickets", "import", str(path))
    assert out.splitlines() == ["1 ticket(s): 0 imported, 1 imported before; 0 new requester(s)"]
    status, _, err = run(capsys, monkeypatch, "tickets", "import", str(tmp_path / "none.jsonl"))
    assert status == 1 and "none.jsonl: no such file" in err
    out_path = tmp_path / "out.jsonl"
    status, _, err = run(capsys, monkeypatch, "tickets", "export", str(out_path))
    assert status == 0 and err.strip() == "exported 1 ticket(s)"
    (line,) = out_path.read_text().splitlines()
    exported = json.loads(line)
    assert exported["ref"] == "freshdesk:88" and exported["requester"]["email"] == "tom@example.be"
    # What is not said is the default (a field left out imports as it was).
    assert exported["messages"] == [
        {"author": "requester", "text": "Since Monday.", "ts": "2025-05-05T08:00:00Z"}
    ]
    assert "assignee" not in exported and "status" not in exported  # closed
    status, _, err = run(capsys, monkeypatch, "tickets", "export", str(tmp_path / "no" / "x"))
    assert status == 1 and "No such file or directory" in err

    async def audited(hd: Helpdesk, store: Store) -> None:
        entries = await store.audit.list_audit(limit=10)
        assert [(e.actor_id, e.action.value, e.target, e.detail) for e in entries] == [
            (None, "tickets_exported", "out.jsonl", "1 ticket(s)"),
            (None, "tickets_imported", "tickets.jsonl", "1 ticket(s), #000001 to #000001"),
        ]

    on_helpdesk(audited)
