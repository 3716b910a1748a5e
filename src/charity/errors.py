"""Errors a service raises when the caller asked for something it may not have; the HTTP layer turns
them into 4xx answers and the command line into a message and a non-zero exit. Messages are written
for the volunteer or coordinator who will read them, in Vietnamese."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """`code` names the error for a program that reacts to it (a form that asks to confirm), and
    `facts` are what that program needs to do so; both are sent in the JSON answer."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        facts: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.facts = dict(facts or {})


class Invalid(DomainError):
    """The request breaks a rule; nothing was changed (422)."""

    status_code = 422


class NotFound(DomainError):
    """No such object, or none the caller may see (404)."""

    status_code = 404


class Conflict(DomainError):
    """The request clashes with what is already recorded (409)."""

    status_code = 409


class Forbidden(DomainError):
    """The caller may see the object but not do this to it (403)."""

    status_code = 403


class TooLarge(DomainError):
    """What was sent is larger than the request may be (413)."""

    status_code = 413
