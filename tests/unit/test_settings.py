from __future__ import annotations

import stat
from pathlib import Path

import pytest

from charity.settings import Settings, SettingsError, load_settings


def test_defaults_use_a_sqlite_file_under_var_and_a_generated_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    settings = load_settings({"CHARITY_DATA_DIR": str(data_dir)})
    assert settings.database_url == f"sqlite+aiosqlite:///{data_dir / 'charity.db'}"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert not settings.access_log
    key_file = data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings({"CHARITY_DATA_DIR": str(data_dir)}).secret_key == settings.secret_key


def test_environment_overrides(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "CHARITY_DATA_DIR": str(tmp_path),
            "CHARITY_DATABASE_URL": "postgresql+asyncpg://charity@db/charity",
            "CHARITY_SECRET_KEY": "k" * 40,
            "CHARITY_HOST": "192.0.2.10",
            "CHARITY_PORT": "8080",
            "CHARITY_ACCESS_LOG": "1",
        }
    )
    assert settings.access_log
    assert settings.database_url == "postgresql+asyncpg://charity@db/charity"
    assert settings.secret_key == "k" * 40
    assert (settings.host, settings.port) == ("192.0.2.10", 8080)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHARITY_PORT": "http"}, "CHARITY_PORT"),
        ({"CHARITY_PORT": "70000"}, "CHARITY_PORT"),
        ({"CHARITY_SECRET_KEY": "short"}, "CHARITY_SECRET_KEY"),
        ({"CHARITY_ACCESS_LOG": "sometimes"}, "CHARITY_ACCESS_LOG"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({"CHARITY_DATA_DIR": str(tmp_path), **env})


@pytest.mark.parametrize(
    ("public_url", "loopback"),
    [
        ("", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.2", True),
        ("http://[::1]:8000", True),
        ("https://tuthien.example", False),
        ("http://192.168.1.5:8000", False),
    ],
)
def test_a_public_url_only_this_machine_opens_is_told_apart(public_url: str, loopback: bool) -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///x.db", secret_key="k" * 40, public_url=public_url)
    assert settings.public_url_is_loopback is loopback
