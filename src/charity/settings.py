"""Typed settings read from the environment.

Nothing happens at import time: `load_settings()` reads the environment and, when no secret key is
configured, creates one under the data folder the first time it is called.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import make_url

DEFAULT_DATA_DIR = "var"
KEY_FILE_NAME = "secret_key"


class SettingsError(ValueError):
    """A setting from the environment is unusable; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    # Behind HTTPS the session cookie must carry the Secure flag so it never travels in clear text.
    secure_cookies: bool = False
    # A line per request with the caller's address: personal data, kept only when asked for (the
    # audit log already says who changed what, from where).
    access_log: bool = False
    # Where the public reaches this server: the address printed in every receipt's QR code.
    public_url: str = ""

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def public_url_is_loopback(self) -> bool:
        """Whether receipts' QR codes would lead to an address only this machine can open."""
        host = urlsplit(self.base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def database_location(self) -> str:
        """Where the database is, without its password."""
        return make_url(self.database_url).render_as_string(hide_password=True)


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"CHARITY_PORT must be a number, got {raw!r}") from None
    if not 1 <= port <= 65535:
        raise SettingsError(f"CHARITY_PORT must be between 1 and 65535, got {port}")
    return port


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")


def _stored_secret_key(data_dir: Path) -> str:
    """Read the generated key, creating it (mode 0600) on first use so restarts keep sessions valid."""
    path = data_dir / KEY_FILE_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 32:
            raise SettingsError(f"{path} is damaged: delete it to generate a new key") from None
        return key
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("CHARITY_DATA_DIR", DEFAULT_DATA_DIR))
    database_url = env.get("CHARITY_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'charity.db'}"
    secret_key = env.get("CHARITY_SECRET_KEY") or _stored_secret_key(data_dir)
    if len(secret_key) < 32:
        raise SettingsError("CHARITY_SECRET_KEY must be at least 32 characters long")
    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        host=env.get("CHARITY_HOST", "127.0.0.1"),
        port=_port(env.get("CHARITY_PORT", "8000")),
        data_dir=data_dir,
        secure_cookies=_flag("CHARITY_SECURE_COOKIES", env.get("CHARITY_SECURE_COOKIES", "")),
        public_url=env.get("CHARITY_PUBLIC_URL", ""),
        access_log=_flag("CHARITY_ACCESS_LOG", env.get("CHARITY_ACCESS_LOG", "")),
    )
