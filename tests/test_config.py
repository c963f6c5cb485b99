"""Settings: parsing, errors that name the variable, the kept secret, documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatdesk import Settings
from chatdesk.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_environment() -> None:
    settings = Settings.from_environ({}, env_file=None)
    assert settings == Settings()
    assert settings.backend == "sqlite"


def test_values_are_parsed() -> None:
    settings = Settings.from_environ(
        {
            "CHATDESK_PORT": "9000",
            "CHATDESK_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "CHATDESK_VISITOR_RATE": "2.5",
            "CHATDESK_LOG_LEVEL": "debug",
            "CHATDESK_SQLITE_SYNCHRONOUS": "NORMAL",
            "CHATDESK_DATA_DIR": "/srv/chatdesk",
            "UNRELATED": "x",
        },
        env_file=None,
    )
    assert settings.port == 9000
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.visitor_rate == 2.5
    assert settings.log_level == "DEBUG"
    assert settings.sqlite_synchronous == "normal"
    assert settings.data_dir == Path("/srv/chatdesk")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHATDESK_PORT", "eighty"),
        ("CHATDESK_PORT", "70000"),
        ("CHATDESK_MAX_MESSAGE_LENGTH", "0"),
        ("CHATDESK_SQLITE_CACHE_MB", "0"),
        ("CHATDESK_VISITOR_RATE", "fast"),
        ("CHATDESK_STORE", "mongodb"),
        ("CHATDESK_DEFAULT_LANG", "de"),
        ("CHATDESK_LOG_LEVEL", "loud"),
        ("CHATDESK_STORE", "redis"),  # without CHATDESK_REDIS_URL
    ],
)
def test_malformed_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_environ({name: value}, env_file=None)
    assert name.split("_", 1)[1] in info.value.message


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# comment\nCHATDESK_PORT=9001\nCHATDESK_HOST='0.0.0.0'\n")
    settings = Settings.from_environ({"CHATDESK_PORT": "9002"}, env_file=env)
    assert (settings.host, settings.port) == ("0.0.0.0", 9002)


def test_bad_env_file_line_is_reported(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("CHATDESK_PORT 9001\n")
    with pytest.raises(ConfigError, match=r"\.env:1"):
        Settings.from_environ({}, env_file=env)


def test_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).with_secret()
    second = Settings(data_dir=tmp_path).with_secret()
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.secret_key not in repr(first)


def test_configured_secret_is_used(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="s" * 40).with_secret()
    assert settings.secret_key == "s" * 40
    assert not (tmp_path / "secret_key").exists()


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    for variable, _default, help_text in Settings.documented():
        assert f"`{variable}`" in docs, f"{variable} is missing from docs/configuration.md"
        assert help_text


def test_cli_reports_bad_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chatdesk.cli import main

    monkeypatch.setenv("CHATDESK_PORT", "nope")
    assert main(["serve"]) == 2
    assert "CHATDESK_PORT" in capsys.readouterr().err


def test_the_event_loop_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import importlib.util

    from chatdesk.commands.serve import new_event_loop

    assert Settings.from_environ({}, env_file=None).loop == "asyncio"
    plain = new_event_loop("asyncio")
    assert isinstance(plain, asyncio.SelectorEventLoop)
    plain.close()
    # Built directly: from_environ validates, which needs uvloop installed.
    settings = Settings(loop="uvloop")
    if importlib.util.find_spec("uvloop") is not None:
        settings.validate()
        fast = new_event_loop("uvloop")
        assert type(fast).__module__.startswith("uvloop")
        fast.close()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ConfigError, match=r"CHATDESK_LOOP=uvloop needs uvloop"):
        settings.validate()
