"""Domain errors.

They know nothing about HTTP: the server maps each class to a status code in one table
(``caja_server.errors``). Every error carries a human ``detail`` and optional structured
``extra`` data (field errors, a suggested nickname, ...).
"""

from __future__ import annotations

from typing import Any


class CajaError(Exception):
    """Base class of every domain error.

    ``reason`` is a stable machine code for this one situation (``nickname_taken``), sent as
    the body's ``code`` with its ``params`` so that a client shows the message in its reader's
    language; ``detail`` stays English. The web app's catalogs translate every reason
    (``apiErrors`` in ``frontend/src/i18n/locales``; ``tests/test_error_reasons.py`` checks).
    """

    code: str = "error"

    def __init__(
        self,
        detail: str,
        *,
        reason: str | None = None,
        params: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if reason is not None:
            extra["code"] = reason
            extra["params"] = params or {}
        self.extra = extra


class NotFound(CajaError):
    """The thing asked for does not exist, or is not visible to the caller."""

    code = "not_found"


class Conflict(CajaError):
    """The request contradicts the current state (duplicate nickname, second answer, ...)."""

    code = "conflict"


class InvalidState(Conflict):
    """The operation is not allowed in the current lifecycle state."""

    code = "invalid_state"


class ValidationFailed(CajaError):
    """Input failed validation. ``errors`` lists field-level problems.

    Each error is ``{"loc": [...], "msg": str, "type": str}`` like pydantic's.
    """

    code = "validation_failed"

    def __init__(
        self,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        *,
        reason: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail, reason=reason, params=params, errors=errors or [])
        self.errors = errors or []

    @classmethod
    def for_field(
        cls,
        field: str,
        msg: str,
        detail: str | None = None,
        *,
        reason: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> ValidationFailed:
        """One field's problem; ``detail`` defaults to "Invalid <field>: <msg>"."""
        return cls(
            detail or f"Invalid {field}: {msg}",
            [{"loc": [field], "msg": msg, "type": "value_error"}],
            reason=reason,
            params=params,
        )


class ConfigInvalid(ValidationFailed):
    """An activity's config was refused by its activity type."""

    code = "config_invalid"


class AnswerRejected(CajaError):
    """An answer was refused: bad shape, activity closed, past its deadline, blocked word...

    Plugins raise this from ``validate_answer`` with a message the participant can read.
    """

    code = "answer_rejected"


class ActionRejected(CajaError):
    """An admin action could not be applied (unknown action, wrong moment, bad body)."""

    code = "action_rejected"


class AuthenticationFailed(CajaError):
    """Missing or invalid credentials."""

    code = "unauthenticated"


class Forbidden(CajaError):
    """Authenticated, but this caller may not do this."""

    code = "forbidden"


class RateLimited(CajaError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    code = "rate_limited"


class PluginError(CajaError):
    """A plugin could not be loaded or registered (for example a duplicate type name)."""

    code = "plugin_error"
