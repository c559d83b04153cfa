"""One benchmark session against a running Caja server.

Timeline (``t0`` = when every participant has joined; ``P`` = duration / activities)::

    t0 + k*P                 the admin activates activity k (the quiz also opens question 1)
    t0 + k*P + lead          ... every participant answers it once, at a uniformly random
                             moment within the burst window
    the rest of the phase    nothing changes: polls should be cheap 304s
    all along                every participant polls the state every ``poll_interval`` and
                             the big screen every ``screen_interval``, with If-None-Match

Before ``t0`` each phone, like the real page, polls every ``poll_interval`` from the moment
it has joined and loaded the page (``GET state (lobby)``), until everyone has joined.

Requests are scheduled at fixed times (open loop). Latency is measured from the scheduled
time, not from when a connection became free or the previous request returned, so a slow
server shows up as latency instead of silently lowering the load (coordinated omission).
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
from caja_server.bench.stats import Recorder

JSON = dict[str, Any]


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
    join_concurrency: int = 32
    timeout: float = 30.0
    activities: tuple[str, ...] = ("poll", "quiz", "wordcloud")
    seed: int = 1


POLL_LABEL = "GET state (participant)"
"""The participants' live polls (the label the targets are checked on)."""
ANSWER_LABEL = "POST answer"
"""The answers' labels begin with this: ``POST answer (poll)``, one per activity type."""
PAGE_LOAD = "GET state (page load)"
"""A phone's first state request, right after joining (no ETag yet)."""
LOBBY = "GET state (lobby)"
"""A phone's polls between its page load and the live part, while the others join."""


@dataclass
class Participant:
    """One simulated phone."""

    index: int
    id: str
    token: str
    etag: str | None = None


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
        self.participants: list[Participant] = []
        self.phase = "setup"
        self.t0 = 0.0
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
            self.rec.failed(label, started, time.perf_counter(), _kind(exc))
            raise BenchError(f"{method} {path}: {exc}") from None
        self.rec.ok(label, started, time.perf_counter(), response.status)
        if response.status not in expect:
            detail = response.body[:300].decode(errors="replace")
            raise BenchError(f"{method} {path} answered {response.status}: {detail}")
        return response

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
        await self._admin("POST", f"/api/sessions/{self.session_id}/start")

    async def _admin(self, method: str, path: str, body: Any = None) -> Response:
        return await self.call("admin", method, path, body, token=self.admin_token)

    async def join_all(self, on_progress: Callable[[int], None] | None = None) -> None:
        """Every participant joins (``join_concurrency`` at a time)."""
        self.phase = "joining"
        limit = asyncio.Semaphore(self.opts.join_concurrency)
        run = uuid.uuid4().hex[:6]

        async def join(i: int) -> Participant | None:
            async with limit:
                body = {"join_code": self.join_code, "nickname": f"bench-{run}-{i}"}
                raw = build_request("POST", "/api/join", self.hostname, body=body)
                started = time.perf_counter()
                try:
                    response = await self.pool.request(raw)
                except HttpError as exc:
                    self.rec.failed("POST /api/join", started, time.perf_counter(), _kind(exc))
                    return None
                self.rec.ok("POST /api/join", started, time.perf_counter(), response.status)
                if on_progress is not None:
                    on_progress(i)
                if response.status != 201:
                    return None
                data = response.json()
                person = Participant(i, data["participant"]["id"], data["token"])
                await self._load_page(person)
                return person

        joined = await asyncio.gather(*(join(i) for i in range(self.opts.participants)))
        self._joined.set()
        await asyncio.gather(*self._lobby)  # each finishes the poll it has in flight
        self.participants = [p for p in joined if p is not None]
        if not self.participants:
            raise BenchError("no participant could join")

    async def _load_page(self, person: Participant) -> None:
        """What the phone does right after joining: load the session page (the state,
        without an ETag). Its live polls then carry the ETag it got."""
        raw = (
            f"GET /api/sessions/{self.session_id}/state HTTP/1.1\r\nHost: {self.hostname}\r\n"
            f"Authorization: Bearer {person.token}\r\n\r\n"
        ).encode("latin-1")
        started = time.perf_counter()
        try:
            response = await self.pool.request(raw, retry=True)
        except HttpError as exc:
            self.rec.failed(PAGE_LOAD, started, time.perf_counter(), _kind(exc))
            return
        self.rec.ok(PAGE_LOAD, started, time.perf_counter(), response.status)
        person.etag = response.header("etag") or person.etag
        self._lobby.append(asyncio.create_task(self._poll_lobby(person)))

    async def _poll_lobby(self, person: Participant) -> None:
        """Like the real page, a phone polls from the moment it has loaded, while the
        others are still joining (until the live part, which has its own schedule)."""
        interval = self.opts.poll_interval
        base = (
            f"GET /api/sessions/{self.session_id}/state HTTP/1.1\r\nHost: {self.hostname}\r\n"
            f"Authorization: Bearer {person.token}\r\n"
        )
        scheduled = time.perf_counter() + interval
        while True:
            try:
                await asyncio.wait_for(self._joined.wait(), max(scheduled - time.perf_counter(), 0))
                return
            except TimeoutError:
                pass
            tag = f"If-None-Match: {person.etag}\r\n" if person.etag else ""
            try:
                response = await self.pool.request((base + tag + "\r\n").encode(), retry=True)
            except HttpError as exc:
                self.rec.failed(LOBBY, scheduled, time.perf_counter(), _kind(exc))
            else:
                self.rec.ok(LOBBY, scheduled, time.perf_counter(), response.status)
                person.etag = response.header("etag") or person.etag
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
        tasks = [asyncio.create_task(self._poll_participant(p, stop)) for p in self.participants]
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
        for scheduled, person in zip(times, people, strict=True):
            await _sleep_until(scheduled)
            body = {"data": running.spec.answer(self.rng, person.index)}
            headers = {"Authorization": f"Bearer {person.token}"}
            raw = build_request("POST", path, self.hostname, headers=headers, body=body)
            pending.append(asyncio.create_task(self._answer(running, label, raw, scheduled)))
        await asyncio.gather(*pending)

    async def _answer(self, running: Running, label: str, raw: bytes, scheduled: float) -> None:
        try:
            response = await self.pool.request(raw)
        except HttpError as exc:
            self.rec.failed(label, scheduled, time.perf_counter(), _kind(exc))
            return
        done = time.perf_counter()
        self.rec.ok(label, scheduled, done, response.status)
        if response.status == 201:
            running.accepted += 1
            running.acks.append(done)
        elif response.status == 200:
            running.retries += 1
        else:
            running.rejected += 1

    async def _poll_participant(self, person: Participant, stop: float) -> None:
        interval = self.opts.poll_interval
        base = (
            f"GET /api/sessions/{self.session_id}/state HTTP/1.1\r\nHost: {self.hostname}\r\n"
            f"Authorization: Bearer {person.token}\r\n"
        )
        scheduled = self.t0 + interval * person.index / max(len(self.participants), 1)
        while scheduled < stop:
            await _sleep_until(scheduled)
            tag = f"If-None-Match: {person.etag}\r\n" if person.etag else ""
            raw = (base + tag + "\r\n").encode("latin-1")
            try:
                response = await self.pool.request(raw, retry=True)
            except HttpError as exc:
                self.rec.failed(POLL_LABEL, scheduled, time.perf_counter(), _kind(exc))
            else:
                done = time.perf_counter()
                self.rec.ok(POLL_LABEL, scheduled, done, response.status)
                self.rec.ok(f"  of which {response.status}", scheduled, done, response.status)
                person.etag = response.header("etag") or person.etag
            scheduled += interval

    async def _poll_screen(self, stop: float) -> None:
        interval = self.opts.screen_interval
        base = (
            f"GET /api/sessions/{self.session_id}/state HTTP/1.1\r\nHost: {self.hostname}\r\n"
            f"Authorization: Bearer {self.admin_token}\r\n"
        )
        by_id = {r.id: r for r in self.activities}
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
                self.rec.failed(
                    "GET state (big screen)", scheduled, time.perf_counter(), _kind(exc)
                )
                scheduled += interval
                continue
            done = time.perf_counter()
            self.rec.ok("GET state (big screen)", scheduled, done, response.status)
            if response.status == 200:
                etag = response.header("etag")
                current = _screen_count(response, by_id)
            if current is not None and response.status in (200, 304):
                running, count = current
                running.screen.append((sent, done, count))
            scheduled += interval

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
        try:
            await self._admin("POST", f"/api/sessions/{sid}/complete")
        except BenchError as exc:
            self.problems.append(f"completing the session: {exc}")
        return out

    def close(self) -> None:
        """Close the connections."""
        self.pool.close()


def _screen_count(response: Response, by_id: dict[str, Running]) -> tuple[Running, int] | None:
    try:
        activity = response.json().get("activity")
    except (ValueError, json.JSONDecodeError):
        return None
    if not activity or activity.get("id") not in by_id:
        return None
    running = by_id[activity["id"]]
    count = running.spec.count(activity.get("results") or {})
    return None if count is None else (running, count)


async def _sleep_until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


def _kind(exc: HttpError) -> str:
    text = str(exc)
    return text.split(":")[0] if "timed out" not in text else "timed out"
