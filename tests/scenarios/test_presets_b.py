"""The hosting, helpcentre and saas presets as shipped: their files load, their knowledge
passes ``chatdesk kb check`` and speaks the desk's languages, their README describes them."""

from __future__ import annotations

import io
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

from chatdesk.cli import main
from chatdesk.deskconfig import load_desk_config

from .desks_b import PRESETS

LANGUAGES = {"hosting": ["fr", "en"], "helpcentre": ["fr"], "saas": ["fr", "nl"]}


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_a_preset_loads_and_says_what_it_promises(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = PRESETS / name
    config = load_desk_config(folder / "chatdesk.toml")
    assert config.name and config.departments
    assert main(["kb", "check", str(folder / "knowledge")]) == 0, capsys.readouterr().err
    bot = yaml.safe_load((folder / "knowledge" / "_bot.yaml").read_text(encoding="utf-8"))
    assert list(bot) == LANGUAGES[name]
    readme = (folder / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme[0].startswith("# ") and len(readme[0]) > 20
    # Every promise row names a setting of the desk's file or a command.
    rows = [line for line in readme if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) >= 6
    assert all("`" in row for row in rows), rows


@pytest.mark.parametrize("name", ["agency", "helpcentre", "hosting", "public-sector", "saas"])
def test_the_readme_s_first_admin_command_works_as_written(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command a README gives for the first operator runs as printed in the new desk."""
    text = (PRESETS / name / "README.md").read_text(encoding="utf-8").replace("\n", " ")
    command = re.search(r"`chatdesk (operators add [^`]*)`", text)
    assert command, "the README says how to add the first operator"
    # As in the admin's fresh shell: the desk's folder and its .env, nothing from the suite's.
    for variable in [v for v in os.environ if v.startswith("CHATDESK_")]:
        monkeypatch.delenv(variable)
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--preset", name, "."]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    assert main(shlex.split(command.group(1))) == 0, capsys.readouterr().err
