"""``chatdesk init``: every preset found is written, loads, and is served from its folder;
``--force``, ``--list``, no terminal, and the questions asked on one."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from chatdesk.cli import main
from chatdesk.commands.init import Answers, ask, set_key, set_table, write_desk
from chatdesk.deskconfig import load_desk_config
from chatdesk.presets import find_preset, list_presets

from ..ports import free_port

PRESETS = [p.name for p in list_presets()]
STARTUP_TIMEOUT = 120.0  # the bot embeds the preset's knowledge on a cold cache


def _env() -> dict[str, str]:
    """The environment of an admin who set nothing: no CHATDESK_* variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")}


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def chatdesk(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Ran]:
    """Run the command line in this process as an admin would: nothing set, no terminal
    (a subprocess each would spend most of the test importing chatdesk)."""
    for key in list(os.environ):
        if key.startswith("CHATDESK_"):
            monkeypatch.delenv(key)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    def run(*args: str, cwd: Path | None = None) -> Ran:
        capsys.readouterr()
        with monkeypatch.context() as m:
            if cwd is not None:
                m.chdir(cwd)
            code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def test_there_are_presets() -> None:
    assert {"agency", "public-sector"} <= set(PRESETS)
    for preset in list_presets():
        assert preset.description, preset.name
        assert preset.languages[0] in ("fr", "nl", "en")


@pytest.fixture
async def served() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    processes: list[asyncio.subprocess.Process] = []
    yield processes
    for process in processes:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _listening(process: asyncio.subprocess.Process) -> str:
    """Read the server's log until it listens; return what it said."""
    assert process.stdout is not None
    lines = []
    while line := (await process.stdout.readline()).decode():
        lines.append(line)
        if "chatdesk listening on" in line:
            return "".join(lines)
    raise AssertionError("chatdesk serve stopped:\n" + "".join(lines))


@pytest.mark.parametrize("name", PRESETS)
async def test_init_writes_a_desk_that_checks_and_serves(
    name: str,
    tmp_path: Path,
    served: list[asyncio.subprocess.Process],
    chatdesk: Callable[..., Ran],
) -> None:
    folder = tmp_path / "desk"
    done = chatdesk("init", str(folder), "--preset", name, "--name", "Desk « Test »")
    assert done.returncode == 0, done.stderr
    assert "chatdesk serve" in done.stdout and str(folder / "chatdesk.toml") in done.stdout
    assert (folder / "README.md").read_text(encoding="utf-8").startswith("# ")
    assert list((folder / "knowledge").glob("*.yaml"))
    assert load_desk_config(folder / "chatdesk.toml").name == "Desk « Test »"
    preset = find_preset(name)
    assert preset is not None
    lang = preset.languages[0]
    assert f"CHATDESK_DEFAULT_LANG={lang}" in (folder / ".env").read_text(encoding="utf-8")

    checked = chatdesk("kb", "check", cwd=folder)  # ./knowledge, found without a variable
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok:" in checked.stdout

    # `chatdesk serve` in the folder, nothing set: it reads ./chatdesk.toml and ./knowledge.
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "chatdesk", "serve", "--port", str(port),
        cwd=folder, env=_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    served.append(process)
    await asyncio.wait_for(_listening(process), STARTUP_TIMEOUT)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
        async with http.get(f"http://127.0.0.1:{port}/api/v1/desk") as response:
            desk = await response.json()
        async with http.get(f"http://127.0.0.1:{port}/support/new") as response:
            page = await response.text()
    assert (folder / "var").is_dir()  # its data stays in the folder
    assert f'<html lang="{lang}"' in page  # the desk's default language
    assert "Desk « Test »" in page  # the name given to init
    # ./chatdesk.toml: the preset's own fields and types, not the defaults.
    config = load_desk_config(folder / "chatdesk.toml")
    assert desk["name"] == "Desk « Test »"
    assert [f["id"] for f in desk["fields"]] == [f.id for f in config.helpdesk.fields]
    assert [t["id"] for t in desk["types"]] == [t.value for t in config.helpdesk.types]


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, chatdesk: Callable[..., Ran]
) -> None:
    assert chatdesk("init", str(tmp_path), "--preset", "agency").returncode == 0
    config = tmp_path / "chatdesk.toml"
    config.write_text("# mine\n", encoding="utf-8")
    refused = chatdesk("init", str(tmp_path), "--preset", "public-sector")
    assert refused.returncode == 2
    assert str(config) in refused.stderr and "--force" in refused.stderr
    assert config.read_text(encoding="utf-8") == "# mine\n"
    forced = chatdesk("init", str(tmp_path), "--preset", "public-sector", "--force")
    assert forced.returncode == 0, forced.stderr
    assert load_desk_config(config).name == "Webdienst — Servicedesk"
    # .env keeps what the admin set: the first init's language stays.
    assert (tmp_path / ".env").read_text(encoding="utf-8") == "CHATDESK_DEFAULT_LANG=fr\n"


def test_list_and_errors(tmp_path: Path, chatdesk: Callable[..., Ran]) -> None:
    listed = chatdesk("init", "--list")
    assert listed.returncode == 0
    for preset in list_presets():
        assert f"{preset.name}  " in listed.stdout and preset.description in listed.stdout
    no_tty = chatdesk("init", str(tmp_path / "x"))
    assert no_tty.returncode == 2 and "--preset" in no_tty.stderr
    assert not (tmp_path / "x").exists()
    unknown = chatdesk("init", str(tmp_path / "y"), "--preset", "bakery")
    assert unknown.returncode == 2 and "agency" in unknown.stderr


def test_the_questions_on_a_terminal(tmp_path: Path) -> None:
    # A wrong language and a wrong time zone are asked again.
    answers = io.StringIO(
        "public-sector\nStad Brugge\nde\nfr,nl\nEurope/Brugge\nEurope/Brussels\n"
        "9-17\n13:00-17:00, 08:00-12:00\n08:00-12:00, 13:00-17:00\n"
    )
    chosen = ask(list_presets(), stream=answers)
    assert chosen == Answers(
        find_preset("public-sector"),  # type: ignore[arg-type]
        name="Stad Brugge",
        languages=("fr", "nl"),
        timezone="Europe/Brussels",
        hours=("08:00-12:00", "13:00-17:00"),
    )
    assert write_desk(tmp_path, chosen) == 0
    config = load_desk_config(tmp_path / "chatdesk.toml")
    assert config.name == "Stad Brugge" and str(config.hours.timezone) == "Europe/Brussels"
    friday = datetime(2026, 11, 20, 7, 30, tzinfo=config.hours.timezone)
    assert not config.hours.is_open(friday) and config.hours.is_open(friday.replace(hour=8))
    assert not config.hours.is_open(friday.replace(hour=12, minute=30))
    assert not config.hours.is_open(friday + timedelta(days=1, hours=2))  # no Saturday
    # Enter keeps the preset's defaults: the agency's Paris and its hours.
    kept = ask(list_presets(), stream=io.StringIO("agency\n\n\n\n\n"))
    assert kept.timezone == "Europe/Paris" and kept.hours == ("09:00-12:00", "13:30-18:00")
    assert kept.name is None and kept.languages == ("fr",)
    assert (tmp_path / ".env").read_text(encoding="utf-8") == "CHATDESK_DEFAULT_LANG=fr\n"


def test_set_key_keeps_the_rest_of_the_file() -> None:
    text = '# top\n[desk]\nname = "Old" # c\ncolour = "#fff"\n\n[hours]\ntimezone = "UTC"\n'
    assert set_key(text, "desk", "name", 'New "one"') == (
        '# top\n[desk]\nname = "New \\"one\\""\ncolour = "#fff"\n\n[hours]\ntimezone = "UTC"\n'
    )
    assert 'timezone = "Europe/Paris"' in set_key(text, "hours", "timezone", "Europe/Paris")
    assert set_key("[hours]\n", "desk", "name", "X").startswith('[desk]\nname = "X"\n')
    assert set_key("[desk]\n[hours]\n", "desk", "name", "X") == '[desk]\nname = "X"\n[hours]\n'
    week = '[hours]\na = 1\n[hours.week]\nmonday = ["x"]\n\n[email]\nb = 2\n'
    assert set_table(week, "hours.week", "friday = []\n") == (
        "[hours]\na = 1\n[hours.week]\nfriday = []\n\n[email]\nb = 2\n"
    )
    assert set_table("[hours]\n", "hours.week", "x = 1\n") == "[hours]\n\n[hours.week]\nx = 1\n"
