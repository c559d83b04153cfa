"""One benchmark session against a running Caja server, driven as real phones drive it.

Timeline (``t0`` = when every participant has joined; ``P`` = duration / activities)::

    join burst               N phones join as fast as allowed (``join_concurrency`` in
                             flight); each then loads the page (its personal document, then
                             the shared one) and polls from then on, as the web app does
    t0 + k*P                 the admin activates activity k (the quiz also opens question 1)
    t0 + k*P + lead          ... every phone answers it once, at a uniformly random moment
                             within the burst window (the answer's reply carries the
                             phone's personal document, which it takes)
    the rest of the phase    nothing changes: polls should be cheap 304s
    all along                every phone polls (``phone.Phone.poll``: the shared document
                             with If-None-Match, the personal one when due) every
                             ``poll_interval``; the big screen polls the presenter's
                             document every ``screen_interval``

Requests are scheduled at fixed times (open loop). A phone's poll is measured from its
scheduled time to the end of its last request (``phone poll``), so a slow server shows up
as latency instead of silently lowering the load (coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from caja_server.bench.activities import BUILT_IN, BenchActivity
from caja_server.bench.client import HttpError, Pool, Response, build_request
from caja_server.bench.phone import JSON, Phone, error_kind
from caja_server.bench.stats import Recorder


class BenchError(Exception):
    """The benchmark can't go on (bad credentials, server refusing the setup, ...)."""


@dataclass
class Options:
    """What ``caja-server bench`` was asked to do."""

    host: str
    port: int
    participants: int
    admin_user: str
    admin_password: str
    duration: float = 60.0
    poll_interval: float = 2.0
    screen_interval: float = 1.0
    burst_seconds: float = 10.0
    connections: int = 1024
    join_concurrency: int = 100
    timeout: float = 30.0
    activities: tuple[str, ...] = ("poll", "quiz", "wordcloud")
    observers: int = 64
    """Phones whose every view is recorded, to time when others' answers reach them."""
    seed: int = 1


POLL_LABEL = "phone poll"
"""A phone's whole poll, scheduled time to its last request's end (the poll targets)."""
ANSWER_LABEL = "POST answer"
"""The answers' labels begin with this: ``POST answer (poll)``, one per activity type."""
JOIN_LABEL = "POST /api/join"
PAGE_LOAD = " (page load)"
"""Appended to the documents' labels for a phone's first poll, right after joining."""
LOBBY = " (lobby)"
"""Appended for a phone's polls while the others are still joining."""
SCREEN_LABEL = "GET state (big screen)"


@dataclass
class Running:
    """An activity of the session as it runs."""

    spec: BenchActivity
    id: str
    accepted: int = 0
    retries: int = 0
    rejected: int = 0
    acks: list[float] = field(default_factory=list)
    screen: list[tuple[float, float, int]] = field(default_factory=list)
    phones: dict[int, list[tuple[float, float, int]]] = field(default_factory=dict)
    """Observer phone index -> its polls' ``(sent, done, answers shown)``."""


@dataclass
class JoinBurst:
    """How the join burst went."""

    started: float = 0.0
    ended: float = 0.0
    joined: int = 0
    throttled: int = 0
    """429 answers (retried after their Retry-After)."""
    refused: int = 0
    """Other answers than 201 and 429, and transport failures."""


class Scenario:
    """Sets up one session, drives the audience, and reads the answers back."""

    def __init__(self, opts: Options, recorder: Recorder) -> None:
        self.opts = opts
        self.rec = recorder
        self.pool = Pool(opts.host, opts.port, opts.connections, opts.timeout)
        self.hostname = f"{opts.host}:{opts.port}"
        self.rng = random.Random(opts.seed)
        self.admin_token = ""
        self.session_id = ""
        self.join_code = ""
        self.activities: list[Running] = []
        self.by_id: dict[str, Running] = {}
        self.participants: list[Phone] = []
        self.observers: set[int] = set()
        self.phase = "setup"
        self.t0 = 0.0
        self.join = JoinBurst()
        self._lobby: list[asyncio.Task[None]] = []
        self._joined = asyncio.Event()
        self.events: list[tuple[float, str]] = []
        """``(time.perf_counter(), what)``: each activity's activation and burst."""
        self.problems: list[str] = []
        """Failures after setup that did not stop the run (e.g. an activation timing out)."""

    # -- plain calls ------------------------------------------------------------------------

    async def call(
        self,
        label: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> Response:
        """One request, recorded under ``label``; a status outside ``expect`` is fatal."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        raw = build_request(method, path, self.hostname, headers=headers, body=body)
        started = time.perf_counter()
        try:
            response = await self.pool.request(raw, retry=method == "GET")
        except HttpError as exc:
            self.rec.failed(label, started, time.perf_counter(), error_kind(exc))
            raise BenchError(f"{method} {path}: {exc}") from None
        self.rec.ok(label, started, time.perf_counter(), response.status)
        if response.status not in expect:
            detail = response.body[:300].decode(errors="replace")
            raise BenchError(f"{method} {path} answered {response.status}: {detail}")
        return response

    def count(self, activity_id: str, activity: JSON) -> int | None:
        """How many answers a view of one of the session's activities shows."""
        running = self.by_id.get(activity_id)
        if running is None:
            return None
        return running.spec.count(activity.get("results") or {})

    # -- setup ------------------------------------------------------------------------------

    async def setup(self) -> None:
        """Log in, create a session with the activities, start it."""
        login = await self.call(
            "admin",
            "POST",
            "/api/auth/login",
            {"username": self.opts.admin_user, "password": self.opts.admin_password},
            expect=(200,),
        )
        self.admin_token = login.json()["access_token"]
        installed = {t["name"] for t in (await self._admin("GET", "/api/activity-types")).json()}
        wanted = [name for name in self.opts.activities if name in BUILT_IN]
        missing = [name for name in wanted if name not in installed]
        if missing:
            raise BenchError(f"activity types not installed on the server: {', '.join(missing)}")
        session = (
            await self._admin("POST", "/api/sessions", {"name": f"bench {uuid.uuid4().hex[:8]}"})
        ).json()
        self.session_id, self.join_code = session["id"], session["join_code"]
        for name in wanted:
            spec = BUILT_IN[name]
            created = await self._admin(
                "POST",
                f"/api/sessions/{self.session_id}/activities",
                {"type": spec.type, "title": spec.title, "config": spec.config},
            )
            self.activities.append(Running(spec, created.json()["id"]))
        self.by_id = {r.id: r for r in self.activities}
        await self._admin("POST", f"/api/sessions/{self.session_id}/start")

    async def _admin(self, method: str, path: str, body: Any = None) -> Response:
        return await self.call("admin", method, path, body, token=self.admin_token)

    async def join_all(self, on_progress: Callable[[int], None] | None = None) -> None:
        """The join burst: every phone joins (``join_concurrency`` in flight), as fast as
        the server allows (a 429 is retried after its ``Retry-After``)."""
        self.phase = "joining"
        limit = asyncio.Semaphore(self.opts.join_concurrency)
        burst = self.join

        async def join(i: int) -> Phone | None:
            # A new session each run: plain names no filter refuses ("bench-<hex>" could).
            body = {"join_code": self.join_code, "nickname": f"Phone {i}"}
            raw = build_request("POST", "/api/join", self.hostname, body=body)
            while True:
                async with limit:
                    started = time.perf_counter()
                    try:
                        response = await self.pool.request(raw)
                    except HttpError as exc:
                        self.rec.failed(JOIN_LABEL, started, time.perf_counter(), error_kind(exc))
                        burst.refused += 1
                        return None
                    self.rec.ok(JOIN_LABEL, started, time.perf_counter(), response.status)
                if response.status != 429:
                    break
                burst.throttled += 1
                await asyncio.sleep(float(response.header("retry-after") or 1))
            burst.ended = time.perf_counter()
            if on_progress is not None:
                on_progress(i)
            if response.status != 201:
                burst.refused += 1
                if burst.refused <= 3:
                    detail = response.body[:200].decode(errors="replace")
                    self.problems.append(f"join {i} answered {response.status}: {detail}")
                return None
            burst.joined += 1
            data = response.json()
            phone = Phone(
                i, data["participant"]["id"], data["token"], self.session_id, self.hostname
            )
            await phone.poll(self.pool, self.rec, self.count, PAGE_LOAD)
            self._lobby.append(asyncio.create_task(self._poll_lobby(phone)))
            return phone

        burst.started = time.perf_counter()
        joined = await asyncio.gather(*(join(i) for i in range(self.opts.participants)))
        self._joined.set()
        await asyncio.gather(*self._lobby)  # each finishes the poll it has in flight
        self.participants = [p for p in joined if p is not None]
        if not self.participants:
            raise BenchError("no participant could join")
        step = max(len(self.participants) // max(self.opts.observers, 1), 1)
        self.observers = {p.index for p in self.participants[::step][: self.opts.observers]}

    async def _poll_lobby(self, phone: Phone) -> None:
        """Like the real page, a phone polls from the moment it has loaded, while the
        others are still joining (until the live part, which has its own schedule)."""
        interval = self.opts.poll_interval
        scheduled = time.perf_counter() + interval
        while True:
            try:
                await asyncio.wait_for(self._joined.wait(), max(scheduled - time.perf_counter(), 0))
                return
            except TimeoutError:
                pass
            await phone.poll(self.pool, self.rec, self.count, LOBBY)
            scheduled += interval

    # -- the live part ----------------------------------------------------------------------

    async def run(self) -> None:
        """Poll, activate, answer in bursts, until ``duration`` is over."""
        opts = self.opts
        self.t0 = time.perf_counter() + 0.2
        stop = self.t0 + opts.duration
        phase_len = opts.duration / max(len(self.activities), 1)
        lead = min(opts.poll_interval, phase_len * 0.2)
        window = max(min(opts.burst_seconds, phase_len * 0.5), 0.1)
        tasks = [asyncio.create_task(self._poll_phone(p, stop)) for p in self.participants]
        tasks.append(asyncio.create_task(self._poll_screen(stop)))
        for k, running in enumerate(self.activities):
            start = self.t0 + k * phase_len
            await _sleep_until(start)
            self.phase = f"{running.spec.type}: activate"
            self.events.append((time.perf_counter(), f"{running.spec.type} activated"))
            try:
                await self._activate(running)
            except BenchError as exc:
                self.problems.append(f"activating the {running.spec.type}: {exc}")
            self.phase = f"{running.spec.type}: answers"
            self.events.append((start + lead, f"{running.spec.type} answers begin"))
            await self._burst(running, start + lead, window)
            self.phase = f"{running.spec.type}: idle"
            self.events.append((start + lead + window, f"{running.spec.type} answers end"))
        # Requests still waiting one timeout after the end will not come back: stop them so a
        # stuck server can't hold the run (they are counted as errors).
        _, stuck = await asyncio.wait(
            tasks, timeout=max(stop + opts.timeout - time.perf_counter(), 0.1)
        )
        for task in stuck:
            task.cancel()
        if stuck:
            self.problems.append(
                f"{len(stuck)} pollers were still waiting {opts.timeout:g} s after the end"
            )
            self.rec.failed(POLL_LABEL, stop, time.perf_counter(), "cut at the end")
        self.phase = "reading back"

    async def _activate(self, running: Running) -> None:
        base = f"/api/sessions/{self.session_id}/activities/{running.id}"
        await self._admin("POST", f"{base}/activate")
        for action in running.spec.after_activate:
            await self._admin("POST", f"{base}/actions/{action}", {})

    async def _burst(self, running: Running, start: float, window: float) -> None:
        label = f"{ANSWER_LABEL} ({running.spec.type})"
        path = f"/api/sessions/{self.session_id}/activities/{running.id}/responses"
        people = list(self.participants)
        times = sorted(start + self.rng.random() * window for _ in people)
        self.rng.shuffle(people)
        pending = []
        for scheduled, phone in zip(times, people, strict=True):
            await _sleep_until(scheduled)
            body = {"data": running.spec.answer(self.rng, phone.index)}
            headers = {"Authorization": f"Bearer {phone.token}"}
            raw = build_request("POST", path, self.hostname, headers=headers, body=body)
            pending.append(asyncio.create_task(self._answer(running, phone, label, raw, scheduled)))
        await asyncio.gather(*pending)

    async def _answer(
        self, running: Running, phone: Phone, label: str, raw: bytes, scheduled: float
    ) -> None:
        try:
            response = await self.pool.request(raw)
        except HttpError as exc:
            self.rec.failed(label, scheduled, time.perf_counter(), error_kind(exc))
            return
        done = time.perf_counter()
        self.rec.ok(label, scheduled, done, response.status)
        if response.status == 201:
            running.accepted += 1
            running.acks.append(done)
            personal = response.json().get("personal")
            if personal:
                phone.accept(personal, self.count)
        elif response.status == 200:
            running.retries += 1
        else:
            running.rejected += 1

    async def _poll_phone(self, phone: Phone, stop: float) -> None:
        interval = self.opts.poll_interval
        observer = phone.index in self.observers
        scheduled = self.t0 + interval * phone.index / max(self.opts.participants, 1)
        while scheduled < stop:
            await _sleep_until(scheduled)
            sent = time.perf_counter()
            ok = await phone.poll(self.pool, self.rec, self.count)
            done = time.perf_counter()
            if not ok:
                self.rec.failed(POLL_LABEL, scheduled, done, "a request of the poll failed")
            else:
                self.rec.ok(POLL_LABEL, scheduled, done, 200)
            if observer:
                activity_id, count = phone.shown()
                running = self.by_id.get(activity_id or "")
                if running is not None and count is not None:
                    running.phones.setdefault(phone.index, []).append((sent, done, count))
            scheduled += interval

    async def _poll_screen(self, stop: float) -> None:
        interval = self.opts.screen_interval
        base = (
            f"GET /api/sessions/{self.session_id}/state HTTP/1.1\r\nHost: {self.hostname}\r\n"
            f"Authorization: Bearer {self.admin_token}\r\n"
        )
        etag: str | None = None
        current: tuple[Running, int] | None = None
        scheduled = self.t0
        while scheduled < stop:
            await _sleep_until(scheduled)
            sent = time.perf_counter()
            tag = f"If-None-Match: {etag}\r\n" if etag else ""
            try:
                response = await self.pool.request((base + tag + "\r\n").encode(), retry=True)
            except HttpError as exc:
                self.rec.failed(SCREEN_LABEL, scheduled, time.perf_counter(), error_kind(exc))
                scheduled += interval
                continue
            done = time.perf_counter()
            self.rec.ok(SCREEN_LABEL, scheduled, done, response.status)
            if response.status == 200:
                etag = response.header("etag")
                current = self._screen_count(response)
            if current is not None and response.status in (200, 304):
                running, count = current
                running.screen.append((sent, done, count))
            scheduled += interval

    def _screen_count(self, response: Response) -> tuple[Running, int] | None:
        try:
            activity = response.json().get("activity")
        except (ValueError, json.JSONDecodeError):
            return None
        if not activity or activity.get("id") not in self.by_id:
            return None
        count = self.count(activity["id"], activity)
        return None if count is None else (self.by_id[activity["id"]], count)

    # -- reading back -----------------------------------------------------------------------

    async def readback(self) -> list[JSON]:
        """Per activity: answers accepted vs stored (results API and the export)."""
        sid = self.session_id
        try:
            export = (await self._admin("GET", f"/api/sessions/{sid}/export?format=json")).json()
        except BenchError as exc:
            self.problems.append(f"reading the export: {exc}")
            export = {"rows": []}
        per_title: dict[str, set[tuple[str, str]]] = {}
        rows_per_title: dict[str, int] = {}
        for row in export["rows"]:
            title = row.get("activity_title", "")
            per_title.setdefault(title, set()).add((row.get("participant_id"), row.get("slot")))
            rows_per_title[title] = rows_per_title.get(title, 0) + 1
        out = []
        for running in self.activities:
            path = f"/api/sessions/{sid}/activities/{running.id}/results"
            try:
                results = (await self._admin("GET", path)).json()
            except BenchError as exc:
                self.problems.append(f"reading the {running.spec.type} results: {exc}")
                results = {}
            title = running.spec.title
            out.append(
                {
                    "type": running.spec.type,
                    "activity_id": running.id,
                    "accepted": running.accepted,
                    "identical_retries": running.retries,
                    "rejected": running.rejected,
                    "stored": results.get("answer_count"),
                    "exported_rows": rows_per_title.get(title, 0),
                    "exported_unique": len(per_title.get(title, ())),
                }
            )
        return out

    async def complete(self) -> None:
        """End the session (after the flat-out measurement, which polls it)."""
        try:
            await self._admin("POST", f"/api/sessions/{self.session_id}/complete")
        except BenchError as exc:
            self.problems.append(f"completing the session: {exc}")

    def close(self) -> None:
        """Close the connections."""
        self.pool.close()


async def _sleep_until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
