"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256

# OWASP's minimum for Argon2id: 19 MiB of memory, 2 iterations, 1 lane. Raising these makes
# `needs_rehash` true for older hashes, which are then re-hashed at the next successful sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    text = files("charity.accounts").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, username: str) -> str | None:
    """Why this password is refused, in words a user can act on; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu dài quá {MAX_LENGTH} ký tự."
    folded = password.lower()
    if username and username.lower() in folded:
        return "Mật khẩu không được chứa tên đăng nhập."
    if folded in _common_passwords():
        return "Mật khẩu này quá phổ biến, dễ bị đoán ra. Hãy chọn mật khẩu khác."
    if len(set(password)) < 4:
        return "Mật khẩu phải có ít nhất 4 ký tự khác nhau."
    return None
