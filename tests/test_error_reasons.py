"""Every machine code the host sends with an error (``reason=`` in ``caja_core`` and
``caja_server``: the body's ``code``) has a message in every web-app catalog, so a phone or
console shows it in its reader's language instead of the English ``detail``."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "frontend" / "src" / "i18n" / "locales"
REASON = re.compile(r'reason="([a-z_]+)"')


def reasons() -> set[str]:
    found: set[str] = set()
    for package in ("caja_core", "caja_server"):
        for path in (ROOT / "src" / package).rglob("*.py"):
            found.update(REASON.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_host_names_its_errors() -> None:
    assert {"nickname_taken", "session_not_found", "time_up", "already_answered"} <= reasons()


def test_every_reason_has_a_message_in_every_language() -> None:
    missing = []
    for catalog in sorted(LOCALES.glob("*.json")):
        messages = json.loads(catalog.read_text(encoding="utf-8"))["apiErrors"]
        for reason in sorted(reasons()):
            if reason not in messages and f"{reason}_other" not in messages:
                missing.append(f"{catalog.name}: apiErrors.{reason}")
    assert missing == []
