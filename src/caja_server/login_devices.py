"""Trusted login devices: a browser that logged in to an account gets a signed cookie, and
its later attempts at that account are slowed down by its own failures only.

Without it, anyone who knows a username (``admin`` is the default) could keep failing to
log in and make the owner wait as long as the attacker (OWASP's "device cookie" defence).
The cookie is signed with ``CAJA_SECRET_KEY``: rotating the key retires every device.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from caja_server.settings import Settings

DEVICE_COOKIE = "caja_device"
MAX_AGE = 365 * 24 * 3600
_PATH = "/api/auth"


def _signature(settings: Settings, username: str, nonce: str) -> str:
    message = f"device:{username.strip().lower()}:{nonce}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def trusted_device(request: Request, settings: Settings, username: str) -> str | None:
    """The device id of the request's cookie when it was issued for ``username``."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    nonce, _, signature = value.partition(".")
    if not nonce or len(nonce) > 32:
        return None
    expected = _signature(settings, username, nonce)
    return nonce if hmac.compare_digest(signature, expected) else None


def remember_device(response: Response, settings: Settings, username: str) -> None:
    """Set a device cookie for ``username`` (after a successful login)."""
    nonce = secrets.token_urlsafe(12)
    response.set_cookie(
        DEVICE_COOKIE,
        f"{nonce}.{_signature(settings, username, nonce)}",
        max_age=MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path=_PATH,
    )
