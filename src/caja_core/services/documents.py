"""A phone's two live documents: the shared one and the personal one.

Most of what a phone shows is the same for every phone of the session: the session, the
participant count, the current activity as participants see it and its results when they
are visible. That is the **shared document**: identical bytes for everyone entitled to it,
one per session, current activity and visibility *variant* (a poll whose results show
only after answering has the variant ``answered``). Any HTTP cache may keep it for a second.

What is a participant's own (their answers, the variant they are entitled to, their quiz
score, their poker card) is the **personal document**: small, never cached by anyone, and
it changes only when the participant acts or the activity's structure moves (a reveal, the
next question), which the shared document's ``epoch`` says.

The shared document's URL is a capability: its key is an HMAC of the session's random
``live_secret`` over (session, current activity, variant), so a key can't be guessed, is
tied to its session and activity, and stops working when the secret is replaced (a kick).
A type that does not implement :meth:`~caja_core.activity.ActivityType.personal` has no
shared participant view: its full participant view is in the personal document.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import uuid
from collections.abc import Sequence
from typing import Any

from caja_core.activity import ActivityType, StoredAnswer, ViewContext, bind_answers
from caja_core.i18n import DEFAULT_LANGUAGE, Translator
from caja_core.services.items import for_viewers
from caja_core.services.snapshots import ActivitySnapshot, Snapshot, log_view_failure
from caja_core.services.state import (
    activity_document,
    activity_part,
    answers_document,
    error_document,
    personal_context,
    private_copy,
    render,
)

SCOPE = "p"
"""The first part of every shared-document key: the participants' documents."""
VARIANT = re.compile(r"^[a-z0-9_]{1,32}$")
"""What a variant name may be (it appears in the key, so in URLs and cache keys)."""
KEY_BYTES = 24
"""192 bits of HMAC in every key."""


def live_key(snap: Snapshot, variant: str = "") -> str:
    """The key of the snapshot's shared document for ``variant`` (``p.<mac>`` or
    ``p.<variant>.<mac>``)."""
    if variant and not VARIANT.match(variant):
        raise ValueError(f"invalid variant name {variant!r}")
    mac = _mac(snap, variant)
    return f"{SCOPE}.{variant}.{mac}" if variant else f"{SCOPE}.{mac}"


def key_variant(snap: Snapshot, key: str) -> str | None:
    """The variant a key opens in this snapshot (its session, secret and current
    activity), or None for any other key."""
    parts = key.split(".")
    if parts[0] != SCOPE or len(parts) not in (2, 3) or snap.live_secret is None:
        return None
    variant = parts[1] if len(parts) == 3 else ""
    if len(parts) == 3 and not VARIANT.match(variant):
        return None
    if not hmac.compare_digest(parts[-1], _mac(snap, variant)):
        return None
    return variant


def _mac(snap: Snapshot, variant: str) -> str:
    assert snap.live_secret is not None
    activity = snap.activity.id if snap.activity is not None else "-"
    message = f"{snap.session_id}|{activity}|{variant}".encode()
    digest = hmac.new(snap.live_secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:KEY_BYTES]).decode().rstrip("=")


def has_personal_views(activity: ActivitySnapshot | None) -> bool:
    """Whether the activity's type splits its participant view into a shared one and a
    personal one (it implements ``personal``); else each phone's view is personal."""
    if activity is None or activity.activity_type is None or activity.error:
        return False
    method = getattr(type(activity.activity_type), "personal", None)
    return method is not None and method is not getattr(ActivityType, "personal", None)


def epoch(snap: Snapshot) -> str:
    """Changes whenever personal documents may have changed for everyone: the structure
    (a reveal, the next question, the activity opening or closing); for a type without
    personal views, every version (each phone's whole view is personal). Without a current
    activity nothing personal depends on others: a join (a new version) must not send every
    waiting phone back for its personal document, or a room joining at once does quadratic work."""
    if snap.activity is None or has_personal_views(snap.activity):
        return snap.structure
    return f"{snap.structure}-{snap.version}"


def shared_document(snap: Snapshot, variant: str = "") -> dict[str, Any]:
    """The shared document of one variant: what every phone entitled to it sees. The
    activity open beside the current one (``side``) is in every variant, in its default
    view (variant ``""``)."""
    doc: dict[str, Any] = {
        "version": snap.version,
        "epoch": epoch(snap),
        "role": "participant",
        "session": {
            "id": str(snap.session_id),
            "name": snap.name,
            "status": snap.status,
            "join_code": snap.join_code,
            "language": snap.language,
            "branding": snap.branding,
        },
        "participant_count": snap.participant_count,
        "activity": None,
        "personal_view": False,
        "side": None,
    }
    now = snap.computed_at or dt.datetime.now(dt.UTC)
    doc["activity"], doc["personal_view"] = _shared_part(snap, snap.activity, variant, now)
    if snap.side is not None:
        doc["side"], _ = _shared_part(snap, snap.side, "", now)
    return doc


def _shared_part(
    snap: Snapshot, activity: ActivitySnapshot | None, variant: str, now: dt.datetime
) -> tuple[dict[str, Any] | None, bool]:
    """One activity of the shared document (the current one or the one beside it), and
    whether its whole view is personal instead (a type without shared views)."""
    if activity is None or activity.activity_type is None:
        return None, False
    if activity.error:
        return error_document(activity, "participant"), False
    if not has_personal_views(activity):
        # Nothing of the view is shared: the activity's own fields only.
        return error_document(activity, "participant") | {"phase": "personal", "extra": {}}, True
    try:
        view = activity.activity_type.view(
            activity.config,
            private_copy(activity.state),
            activity.results or {},
            _shared_context(activity, now, variant, _translator(snap, activity)),
        )
    except Exception as exc:
        log_view_failure(snap.session_id, activity, exc)
        return error_document(activity, "participant"), False
    return activity_document(snap, activity, view, role="participant", now=now), False


def _shared_context(
    activity: ActivitySnapshot, now: dt.datetime, variant: str, translator: Translator
) -> ViewContext:
    # Participants' views get only visible items, anonymous authors left out.
    return ViewContext(
        role="participant",
        now=now,
        activity_status=activity.status,
        variant=variant,
        items=for_viewers(activity.items),
        translator=translator,
    )


def _translator(snap: Snapshot, activity: ActivitySnapshot) -> Translator:
    """The session's language from the activity type's catalogs."""
    assert activity.activity_type is not None
    return activity.activity_type.translator(snap.language or DEFAULT_LANGUAGE)


def personal_document(
    snap: Snapshot,
    participant_id: uuid.UUID,
    *,
    nickname: str | None = None,
    own_answers: Sequence[StoredAnswer] | None = None,
    version: int | None = None,
    now: dt.datetime,
) -> dict[str, Any]:
    """One participant's personal document: who they are, their answers, the key of the
    shared document they are entitled to and what of the view is theirs alone.

    ``own_answers`` overrides the snapshot's (an answer just stored); ``version`` the
    document's version (at least the snapshot's: the version that answer was stored at).
    """
    own = list(own_answers if own_answers is not None else snap.answers.get(participant_id, []))
    activity = snap.activity
    doc: dict[str, Any] = {
        "version": max(snap.version, version or 0),
        "epoch": epoch(snap),
        "server_time": now.isoformat(),
        "session_id": str(snap.session_id),
        "you": {
            "id": str(participant_id),
            "nickname": nickname
            if nickname is not None
            else snap.nicknames.get(participant_id, ""),
        },
        "activity_id": str(activity.id) if activity is not None else None,
        "your_answers": answers_document(own),
        "renew": "epoch",
        "view": None,
        "activity": None,
        "live_key": live_key(snap),
        "side": None,
    }
    if snap.side is not None:
        doc["side"] = _personal_side(snap, snap.side, participant_id, now)
        if doc["side"] is not None and doc["side"]["activity"] is not None:
            doc["renew"] = "version"
    if activity is None or activity.activity_type is None or activity.error:
        return doc
    personal = _personal_view(snap, activity, participant_id, own, now)
    if personal is None:
        full = render(
            snap,
            role="participant",
            participant_id=participant_id,
            nickname=nickname,
            own_answers=own,
            now=now,
        )
        doc["activity"] = full["activity"]
        doc["renew"] = "version"
        return doc
    variant = personal.variant
    doc["live_key"] = live_key(snap, variant)
    doc["view"] = {
        "variant": variant,
        "accepting_answers": personal.accepting_answers,
        "extra": personal.extra,
        "display": [block.model_dump(mode="json") for block in personal.display],
    }
    return doc


def _personal_side(
    snap: Snapshot,
    side: ActivitySnapshot,
    participant_id: uuid.UUID,
    now: dt.datetime,
) -> dict[str, Any] | None:
    """The participant's own part of the activity open beside the current one, laid over
    the shared document's ``side`` like the rest over its ``activity``. When the shared
    ``side`` is not their view (a type without shared views, or another variant than the
    default), their whole view of it is here (``activity``)."""
    if side.activity_type is None or side.error:
        return None
    own = list(snap.side_answers.get(participant_id, []))
    part: dict[str, Any] = {
        "activity_id": str(side.id),
        "your_answers": answers_document(own),
        "view": None,
        "activity": None,
    }
    personal = _personal_view(snap, side, participant_id, own, now)
    if personal is None or personal.variant:
        part["activity"] = activity_part(
            snap, side, snap.side_answers, "participant", participant_id, own, now
        )
        return part
    part["view"] = {
        "variant": personal.variant,
        "accepting_answers": personal.accepting_answers,
        "extra": personal.extra,
        "display": [block.model_dump(mode="json") for block in personal.display],
    }
    return part


def _personal_view(
    snap: Snapshot,
    activity: ActivitySnapshot,
    participant_id: uuid.UUID,
    own: list[StoredAnswer],
    now: dt.datetime,
) -> Any:
    """The type's personal view (None: the type has none, its whole view is personal)."""
    if not has_personal_views(activity):
        return None
    assert activity.activity_type is not None
    bind_answers(activity.activity_type, own)
    context = personal_context(activity, participant_id, own, now, _translator(snap, activity))
    try:
        return activity.activity_type.personal(
            activity.config, private_copy(activity.state), activity.results or {}, context
        )
    except Exception as exc:
        log_view_failure(snap.session_id, activity, exc)
        return None
