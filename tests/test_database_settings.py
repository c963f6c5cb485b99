"""Which database the settings choose: CHATDESK_DATABASE_URL, CHATDESK_STORE, the pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatdesk import Settings
from chatdesk.errors import ConfigError
from chatdesk.store import PostgresStore, SqliteStore, create_store

PG = "postgresql://desk:s3cret@db.internal:5432/chatdesk"


def read(**env: str) -> Settings:
    return Settings.from_environ(
        {f"CHATDESK_{k.upper()}": v for k, v in env.items()}, env_file=None
    )


def test_unset_means_sqlite_in_the_data_dir() -> None:
    settings = read(data_dir="/srv/desk")
    assert settings.backend == "sqlite"
    assert settings.sqlite_path == Path("/srv/desk/chatdesk.sqlite3")
    store = create_store(settings)
    assert isinstance(store, SqliteStore) and store.path == settings.sqlite_path


def test_a_postgresql_url_selects_postgresql_with_its_pool() -> None:
    for url in (PG, PG.replace("postgresql://", "postgres://")):
        settings = read(database_url=url, database_pool_size="4")
        assert settings.backend == "postgresql"
        store = create_store(settings)
        assert isinstance(store, PostgresStore) and store.name == "postgresql"
    assert read(database_url=PG).database_pool_size == 10


def test_a_sqlite_url_names_the_file() -> None:
    assert read(database_url="sqlite:///var/desk.sqlite3").sqlite_path == Path("var/desk.sqlite3")
    absolute = read(database_url="sqlite:////srv/desk.sqlite3")
    assert absolute.backend == "sqlite" and absolute.sqlite_path == Path("/srv/desk.sqlite3")


def test_store_is_kept_for_compatibility() -> None:
    assert read(store="postgresql", database_url=PG).backend == "postgresql"
    assert read(store="SQLite").backend == "sqlite"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"database_url": "mysql://db/desk"}, "CHATDESK_DATABASE_URL"),
        ({"database_url": "postgresql://"}, "CHATDESK_DATABASE_URL"),
        ({"database_url": "sqlite://relative"}, "CHATDESK_DATABASE_URL"),
        ({"database_pool_size": "0"}, "CHATDESK_DATABASE_POOL_SIZE"),
        ({"store": "postgresql"}, "needs CHATDESK_DATABASE_URL=postgresql://"),
        ({"store": "sqlite", "database_url": PG}, "contradicts CHATDESK_DATABASE_URL"),
        ({"store": "redis", "redis_url": "redis://r:6379/0"}, "set CHATDESK_REDIS_URL for that"),
    ],
)
def test_wrong_choices_are_refused_with_a_reason(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        read(**env)
    assert expected in info.value.message


def test_a_refused_url_never_shows_its_password() -> None:
    with pytest.raises(ConfigError) as info:
        read(database_url="mysql://desk:s3cret@db/desk")
    assert "s3cret" not in info.value.message and "desk:***@db" in info.value.message
