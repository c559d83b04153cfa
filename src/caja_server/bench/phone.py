"""One simulated phone, polling the way the web app does (``frontend/src/lib/phoneLive.ts``).

A phone polls the session's **shared** document (``GET /api/live/{sid}/{key}``, no
credentials, ``If-None-Match``) every poll interval, and fetches its **personal** document
(``GET /api/sessions/{sid}/me``) only when something says it is due: it has none yet, the
heartbeat passed, the shared key answered 404 (a new activity), or the shared document's
``epoch`` (or ``version``, when the personal one says ``renew: "version"``) moved past it.
An answer's reply carries the personal document, which the phone takes.

Only what the benchmark needs is kept of each document (not the parsed JSON: 10,000 phones'
documents would make the load generator's heap, and its pauses, large).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from caja_server.bench.client import HttpError, Pool, Response
from caja_server.bench.stats import Recorder

JSON = dict[str, Any]

SHARED_LABEL = "GET live (shared)"
"""The phones' polls of the shared document (the poll targets are checked on these)."""
PERSONAL_LABEL = "GET me (personal)"
"""The phones' fetches of their personal document."""

Counter = Callable[[str, JSON], int | None]
"""(activity id, the activity as a phone sees it) -> answers it shows, None if it can't tell."""


@dataclass(slots=True)
class Personal:
    """What the phone keeps of its personal document."""

    version: int
    epoch: str
    renew: str
    path: str
    activity_id: str | None
    heartbeat_s: float
    count: int | None
    """Answers the personal ``activity`` shows (types without shared views), else None."""


@dataclass(slots=True)
class Shared:
    """What the phone keeps of the shared document."""

    version: int
    epoch: str
    activity_id: str | None
    count: int | None


def read_personal(doc: JSON, counter: Counter) -> Personal:
    """The parts of a personal document the phone acts on."""
    activity = doc.get("activity")
    count = counter(activity["id"], activity) if activity else None
    live = doc["live"]
    return Personal(
        version=doc["version"],
        epoch=doc["epoch"],
        renew=doc.get("renew", "epoch"),
        path=live["path"],
        activity_id=doc.get("activity_id"),
        heartbeat_s=live.get("heartbeat_ms", 15000) / 1000,
        count=count,
    )


def read_shared(doc: JSON, counter: Counter) -> Shared:
    """The parts of a shared document the phone acts on."""
    activity = doc.get("activity")
    return Shared(
        version=doc["version"],
        epoch=doc["epoch"],
        activity_id=activity["id"] if activity else None,
        count=counter(activity["id"], activity) if activity else None,
    )


class Phone:
    """One participant's phone: its token, its two documents and their validators."""

    __slots__ = (
        "host",
        "id",
        "index",
        "personal",
        "personal_at",
        "personal_tag",
        "session_id",
        "shared",
        "shared_tag",
        "token",
    )

    def __init__(self, index: int, pid: str, token: str, session_id: str, host: str) -> None:
        self.index = index
        self.id = pid
        self.token = token
        self.session_id = session_id
        self.host = host
        self.personal: Personal | None = None
        self.personal_tag: str | None = None
        self.personal_at = -1e9
        self.shared: Shared | None = None
        self.shared_tag: str | None = None

    def shown(self) -> tuple[str | None, int | None]:
        """The activity the phone shows and how many answers it shows for it (the personal
        view when it has the whole view, as the web app's merge does)."""
        shared, personal = self.shared, self.personal
        if shared is None or personal is None:
            return None, None
        if personal.activity_id == shared.activity_id and personal.count is not None:
            return shared.activity_id, personal.count
        return shared.activity_id, shared.count

    def accept(self, doc: JSON, counter: Counter) -> None:
        """Take the personal document an answer's reply carried, unless ours is newer."""
        got = read_personal(doc, counter)
        if self.personal is None or got.version >= self.personal.version:
            self.personal, self.personal_tag = got, None
            self.personal_at = time.perf_counter()

    def _stale(self) -> bool:
        shared, personal = self.shared, self.personal
        if shared is None or personal is None:
            return False
        if shared.epoch != personal.epoch:
            return shared.version >= personal.version
        return personal.renew == "version" and shared.version > personal.version

    async def poll(self, pool: Pool, rec: Recorder, counter: Counter, label: str = "") -> bool:
        """One poll, as the web app's: the personal document first when it is due, the
        shared one, and the personal one again when the shared one says it moved. Each
        request is recorded under its label (``label`` is appended: lobby polls). False
        when one of them failed."""
        now = time.perf_counter()
        due = self.personal is None or now - self.personal_at >= self.personal.heartbeat_s
        if due and not _ok(await self.fetch_personal(pool, rec, counter, label)):
            return False
        if self.personal is None:
            return False
        status = await self.fetch_shared(pool, rec, counter, label)
        if status == 404:  # a new key: the activity changed, or keys were replaced
            if not _ok(await self.fetch_personal(pool, rec, counter, label)):
                return False
            status = await self.fetch_shared(pool, rec, counter, label)
        if not _ok(status):
            return False
        if self._stale():
            return _ok(await self.fetch_personal(pool, rec, counter, label))
        return True

    async def fetch_personal(
        self, pool: Pool, rec: Recorder, counter: Counter, label: str = ""
    ) -> int | None:
        """``GET /api/sessions/{sid}/me``; the status, None on a transport failure."""
        tag = f"If-None-Match: {self.personal_tag}\r\n" if self.personal_tag else ""
        raw = (
            f"GET /api/sessions/{self.session_id}/me HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.token}\r\n{tag}\r\n"
        ).encode("latin-1")
        response = await _get(pool, rec, PERSONAL_LABEL + label, raw)
        if response is None:
            return None
        self.personal_at = time.perf_counter()
        if response.status == 200:
            got = read_personal(orjson.loads(response.body), counter)
            mine = self.personal
            if mine is None or got.version >= mine.version or got.path != mine.path:
                self.personal, self.personal_tag = got, response.header("etag")
        return response.status

    async def fetch_shared(
        self, pool: Pool, rec: Recorder, counter: Counter, label: str = ""
    ) -> int | None:
        """``GET`` the shared document at the personal document's path."""
        assert self.personal is not None
        tag = f"If-None-Match: {self.shared_tag}\r\n" if self.shared_tag else ""
        raw = f"GET {self.personal.path} HTTP/1.1\r\nHost: {self.host}\r\n{tag}\r\n".encode(
            "latin-1"
        )
        response = await _get(pool, rec, SHARED_LABEL + label, raw)
        if response is None:
            return None
        if response.status == 200:
            got = read_shared(orjson.loads(response.body), counter)
            mine = self.shared
            same = mine is not None and mine.activity_id == got.activity_id
            # Never backwards within an activity (another replica a moment behind).
            if not (mine is not None and same and got.version < mine.version):
                self.shared, self.shared_tag = got, response.header("etag")
        return response.status


async def _get(pool: Pool, rec: Recorder, label: str, raw: bytes) -> Response | None:
    started = time.perf_counter()
    try:
        response = await pool.request(raw, retry=True)
    except HttpError as exc:
        rec.failed(label, started, time.perf_counter(), error_kind(exc))
        return None
    # A 404 on the shared key is the protocol (a new activity), not an error.
    rec.ok(label, started, time.perf_counter(), response.status, expected=(404,))
    return response


def _ok(status: int | None) -> bool:
    return status is not None and status < 400


def error_kind(exc: HttpError) -> str:
    """A short name for a transport failure (the table's error column)."""
    text = str(exc)
    return text.split(":")[0] if "timed out" not in text else "timed out"
