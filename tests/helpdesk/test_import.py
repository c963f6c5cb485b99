"""``chatdesk requesters import``: a CSV file of customers through the real command line,
on a real store: created, brought up to date, put in their organisations; every mistake
named as file:line before anything is written; a dry run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatdesk.helpdesk import Helpdesk
from chatdesk.models import OrgRole
from chatdesk.store import Store

from .test_cli import data_dir, on_helpdesk, run

__all__ = ["data_dir"]  # the fixture, used by name

# As a spreadsheet in Belgium saves it: semicolons, a byte-order mark, accents, a quoted
# cell with the separator in it, an empty line, upper-case headers and addresses.
CLIENTS = (
    "\ufeffEmail;Name;Phone;Lang;Organisation;Role;Note\r\n"
    "Lea@Acme-Energie.be;Léa Dubois;+32 2 555 01 01;fr;Acme Énergie;admin;VIP\r\n"
    'tom@acme-energie.be;"Peeters; Tom";;nl;ACME énergie;;\r\n'
    "\r\n"
    "zoe@example.be;Zoé;;;;;Calls after 18h\\nNot on Fridays\r\n"
)


def _write(tmp_path: Path, text: str, name: str = "clients.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


async def _people(hd: Helpdesk, store: Store) -> None:
    lea = await hd.people.find("lea@acme-energie.be")
    tom = await hd.people.find("tom@acme-energie.be")
    zoe = await hd.people.find("zoe@example.be")
    acme = await hd.people.organisation("Acme Énergie")
    assert (lea.name, lea.phone, lea.lang, lea.org_role, lea.note) == (
        "Léa Dubois", "+32 2 555 01 01", "fr", OrgRole.ADMIN, "VIP",
    )  # fmt: skip
    assert lea.organisation_id == tom.organisation_id == acme.id
    assert (tom.name, tom.org_role, zoe.organisation_id) == ("Peeters; Tom", OrgRole.MEMBER, None)
    assert zoe.note == "Calls after 18h\nNot on Fridays"


def test_customers_are_imported_from_a_spreadsheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = _write(tmp_path, CLIENTS)
    # An organisation the desk does not have: refused, nothing written.
    status, _, err = run(capsys, monkeypatch, "requesters", "import", clients)
    assert status == 1 and f"{clients}:2: no organisation 'Acme Énergie'" in err
    assert "--create-orgs" in err
    status, out, err = run(capsys, monkeypatch, "requesters", "import", clients,
                           "--create-orgs", "--dry-run")  # fmt: skip
    assert status == 0, err
    assert out.strip() == (
        "3 row(s): 3 new requester(s), 0 updated, 2 put in an organisation; organisations to"
        " create: Acme Énergie (a dry run: nothing written)"
    )
    status, out, _ = run(capsys, monkeypatch, "requesters", "list")
    assert "no requesters yet" in out

    status, out, err = run(capsys, monkeypatch, "requesters", "import", clients, "--create-orgs")
    assert status == 0, err
    assert out.strip() == (
        "3 row(s): 3 new requester(s), 0 updated, 2 put in an organisation; organisations"
        " created: Acme Énergie"
    )
    on_helpdesk(_people)
    # Again: nothing to do. Then a change: a detail given replaces, an empty cell leaves.
    status, out, _ = run(capsys, monkeypatch, "requesters", "import", clients)
    assert out.strip() == "3 row(s): 0 new requester(s), 0 updated, 0 put in an organisation"
    changed = _write(tmp_path, "email,phone\nlea@acme-energie.be,+32 2 555 99 99\n", "b.csv")
    status, out, _ = run(capsys, monkeypatch, "requesters", "import", changed)
    assert out.strip() == "1 row(s): 0 new requester(s), 1 updated, 0 put in an organisation"

    async def phone(hd: Helpdesk, store: Store) -> None:
        lea = await hd.people.find("lea@acme-energie.be")
        assert (lea.phone, lea.name, lea.org_role) == ("+32 2 555 99 99", "Léa Dubois", "admin")

    on_helpdesk(phone)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", ":1: no header line"),
        ("mail,name\nx@y.be,X\n", ":1: the columns are among email, name"),
        ("email,email\nx@y.be,x@y.be\n", ":1: the columns are among"),
        ("email,lang\nx@y.be,de\n", ":2: lang: Invalid enum value 'de'"),
        ("email\nnot an address\n", ":2: 'not an address' is not an e-mail address"),
        ("email,role\nx@y.be,admin\n", ":2: a role needs an organisation"),
        ("email,name\nx@y.be,X,extra\n", ":2: 3 cells for 2 columns"),
        ("email\nx@y.be\nX@Y.be\n", ":3: x@y.be is on line 2 too"),
        ("email,name\nx@y.be," + "n" * 101 + "\n", ":2: name: Expected `str` of length <= 100"),
    ],
)
def test_a_mistake_is_named_by_line_and_nothing_is_written(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    said: str,
) -> None:
    path = _write(tmp_path, text)
    status, _, err = run(capsys, monkeypatch, "requesters", "import", path)
    assert status == 1 and f"{path}{said}" in err, err
    status, out, _ = run(capsys, monkeypatch, "requesters", "list")
    assert "no requesters yet" in out


def test_a_file_that_is_not_text_or_is_missing_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    status, _, err = run(capsys, monkeypatch, "requesters", "import", str(binary))
    assert status == 1 and "cannot read it as UTF-8 text" in err
    status, _, err = run(capsys, monkeypatch, "requesters", "import", str(tmp_path / "none"))
    assert status == 1 and "cannot read it" in err


def test_a_full_organisation_leaves_the_row_out_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run(capsys, monkeypatch, "orgs", "add", "Small", "--max-members", "1")
    assert status == 0, err
    path = _write(tmp_path, "email,organisation\na@small.be,Small\nb@small.be,small\n")
    status, out, err = run(capsys, monkeypatch, "requesters", "import", path)
    assert status == 1 and "1 put in an organisation" in out
    assert f"{path}:3: Small has 1 members already (b@small.be was not put in it)" in err


def test_the_directory_s_csv_is_what_an_import_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = _write(tmp_path, CLIENTS)
    assert run(capsys, monkeypatch, "requesters", "import", clients, "--create-orgs")[0] == 0
    status, out, err = run(capsys, monkeypatch, "requesters", "list", "--csv", "--sort", "name")
    assert status == 0 and err == "", err
    assert out.splitlines() == [
        "email,name,phone,lang,organisation,role,note",
        "lea@acme-energie.be,Léa Dubois,+32 2 555 01 01,fr,Acme Énergie,admin,VIP",
        "tom@acme-energie.be,Peeters; Tom,,nl,Acme Énergie,member,",
        "zoe@example.be,Zoé,,,,,Calls after 18h\\nNot on Fridays",
    ]
    # Into another desk (its own data directory): the same requesters.
    exported = _write(tmp_path, out, "export.csv")
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "other-desk"))
    status, said, err = run(capsys, monkeypatch, "requesters", "import", exported,
                            "--create-orgs")  # fmt: skip
    assert status == 0 and said.startswith("3 row(s): 3 new requester(s)"), err
    on_helpdesk(_people)
    status, out, err = run(capsys, monkeypatch, "requesters", "list", "--csv", "--limit", "1")
    assert len(out.splitlines()) == 2 and err.strip() == "1 of 3 requesters"
