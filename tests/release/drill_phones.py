"""The audience and the presenter of the upgrade drill (tests/release/test_upgrade_drill.py).

Runs in the *previous release's* virtualenv, with that release's load-generator client
(``caja_server.bench.client``), so the phones speak the previous release's protocol: they
join, poll ``GET /api/sessions/{sid}/state`` with ``If-None-Match`` and answer a quiz, as that
release's web app does, whichever release answers behind the proxy. The presenter opens and
reveals one question after another until told to stop (a line ``stop`` on standard input).

What each phone saw is checked here and written as JSON (the last argument's ``report``):
its identity on every document, the documents' versions and ETags never going backwards, its
score never going down, and every answer acknowledged. Requests that fail the way the web app
retries (connection refused or reset, 502/503/504) are retried and counted; anything else is a
failure. Standard library and the release's own client only.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from caja_server.bench.client import HttpError, Pool, Response, build_request

RETRIED_STATUSES = (502, 503, 504)
"""What a phone retries by design: the proxy or the app is between two releases."""
ETAG_VERSION = re.compile(r'^(?:W/)?"(\d+)')


@dataclass
class Tally:
    """What the whole audience saw."""

    requests: int = 0
    retries: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    releases: dict[str, int] = field(default_factory=dict)

    def retried(self, why: str) -> None:
        self.retries[why] = self.retries.get(why, 0) + 1


@dataclass
class Phone:
    index: int
    id: str = ""
    nickname: str = ""
    token: str = ""
    etag: str | None = None
    version: int = -1
    etag_version: int = -1
    score: int = 0
    answered: set[int] = field(default_factory=set)
    acked: dict[int, int] = field(default_factory=dict)  # question -> choice
    problems: list[str] = field(default_factory=list)


class Drill:
    def __init__(self, opts: dict[str, Any]) -> None:
        self.opts = opts
        self.host, self.port = opts["host"], int(opts["port"])
        self.hostname = f"{self.host}:{self.port}"
        self.pool = Pool(self.host, self.port, int(opts.get("connections", 256)), 20.0)
        self.rng = random.Random(opts.get("seed", 1))
        self.tally = Tally()
        self.phones = [Phone(i) for i in range(int(opts["phones"]))]
        self.admin = ""
        self.sid = ""
        self.aid = ""
        self.questions = int(opts["questions"])
        self.correct = [q % 4 for q in range(self.questions)]
        self.stop = asyncio.Event()
        self.done = asyncio.Event()
        self.opened: list[float] = []
        self.late = 0

    # -- one request, retried the way the web app retries ----------------------------------

    async def send(
        self, method: str, path: str, body: Any = None, token: str = "", **kw: Any
    ) -> Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kw.get("headers", {}))
        raw = build_request(method, path, self.hostname, headers=headers, body=body)
        deadline = time.monotonic() + 30.0
        while True:
            self.tally.requests += 1
            try:
                response = await self.pool.request(raw)
            except HttpError as exc:
                why = f"{method} {_kind(exc)}"
            else:
                release = response.header("x-caja-release") or "(none)"
                self.tally.releases[release] = self.tally.releases.get(release, 0) + 1
                if response.status not in RETRIED_STATUSES:
                    return response
                why = f"{method} {response.status}"
            self.tally.retried(why)
            if time.monotonic() > deadline:
                raise RuntimeError(f"{method} {path}: still failing after 30 s ({why})")
            await asyncio.sleep(0.05 + self.rng.random() * 0.1)

    async def admin_call(self, method: str, path: str, body: Any = None) -> Any:
        response = await self.send(method, path, body, token=self.admin)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {response.body[:300]!r}")
        return response.json() if response.body else None

    # -- setup -------------------------------------------------------------------------------

    async def setup(self) -> None:
        login = await self.send(
            "POST",
            "/api/auth/login",
            {"username": self.opts["user"], "password": self.opts["password"]},
        )
        assert login.status == 200, login.body
        self.admin = login.json()["access_token"]
        session = await self.admin_call("POST", "/api/sessions", {"name": "upgrade drill"})
        self.sid, code = session["id"], session["join_code"]
        questions = [
            {
                "kind": "single",
                "text": f"Question {q + 1}",
                "options": ["A", "B", "C", "D"],
                "correct": self.correct[q],
                "time_limit_seconds": 600,
            }
            for q in range(self.questions)
        ]
        quiz = await self.admin_call(
            "POST",
            f"/api/sessions/{self.sid}/activities",
            {"type": "quiz", "title": "Drill quiz", "config": {"questions": questions}},
        )
        self.aid = quiz["id"]
        await self.admin_call("POST", f"/api/sessions/{self.sid}/start")
        await self.admin_call("POST", f"/api/sessions/{self.sid}/activities/{self.aid}/activate")
        limit = asyncio.Semaphore(32)

        async def join(phone: Phone) -> None:
            async with limit:
                phone.nickname = f"phone-{phone.index}"
                joined = await self.send(
                    "POST", "/api/join", {"join_code": code, "nickname": phone.nickname}
                )
                assert joined.status == 201, joined.body
                data = joined.json()
                phone.id, phone.token = data["participant"]["id"], data["token"]

        await asyncio.gather(*(join(p) for p in self.phones))

    # -- the presenter -----------------------------------------------------------------------

    async def present(self) -> None:
        base = f"/api/sessions/{self.sid}/activities/{self.aid}/actions"
        open_for = float(self.opts["open_seconds"])
        try:
            for q in range(self.questions):
                if self.stop.is_set() and q >= int(self.opts["min_questions"]):
                    break
                await self.act(f"{base}/next", q, "question")
                self.opened.append(time.monotonic())
                print(f"question {q + 1}", flush=True)
                await asyncio.sleep(open_for)
                await self.act(f"{base}/reveal", q, "revealed")
                await asyncio.sleep(float(self.opts["reveal_seconds"]))
        finally:
            self.done.set()

    async def act(self, path: str, question: int, phase: str) -> None:
        """An admin action; if its reply was lost on the way, the state says it happened."""
        response = await self.send("POST", path, {}, token=self.admin)
        if response.status < 300:
            return
        state = await self.admin_call("GET", f"/api/sessions/{self.sid}/state")
        activity = state.get("activity") or {}
        if (
            activity.get("phase") == phase
            and (activity.get("state") or {}).get("question", question) == question
        ):
            self.tally.retried("POST action replayed")
            return
        raise RuntimeError(f"POST {path}: {response.status} {response.body[:300]!r}")

    # -- the phones ----------------------------------------------------------------------------

    async def phone(self, phone: Phone) -> None:
        interval = float(self.opts["poll_seconds"])
        path = f"/api/sessions/{self.sid}/state"
        await asyncio.sleep(interval * phone.index / len(self.phones))
        answering: list[asyncio.Task[None]] = []
        while not self.done.is_set():
            started = time.monotonic()
            headers = {"If-None-Match": phone.etag} if phone.etag else {}
            response = await self.send("GET", path, token=phone.token, headers=headers)
            if response.status == 200:
                question = self.look(phone, response)
                if question is not None and question not in phone.answered:
                    phone.answered.add(question)
                    answering.append(asyncio.create_task(self.answer(phone, question)))
            elif response.status != 304:
                phone.problems.append(f"poll answered {response.status}: {response.body[:200]!r}")
            await asyncio.sleep(max(interval - (time.monotonic() - started), 0.01))
        await asyncio.gather(*answering)

    def look(self, phone: Phone, response: Response) -> int | None:
        """Check one state document; the question it shows open, if any."""
        doc = response.json()
        etag = response.header("etag")
        version = doc.get("version")
        if not isinstance(version, int):
            phone.problems.append(f"a state document without a version: {str(doc)[:200]}")
            return None
        if version < phone.version:
            phone.problems.append(f"version went back from {phone.version} to {version}")
        phone.version = max(phone.version, version)
        match = ETAG_VERSION.match(etag or "")
        if match:
            tagged = int(match.group(1))
            if tagged < phone.etag_version:
                phone.problems.append(f"ETag went back from {phone.etag_version} to {tagged}")
            phone.etag_version = max(phone.etag_version, tagged)
        phone.etag = etag or phone.etag
        you = doc.get("you") or {}
        if you.get("id") != phone.id or you.get("nickname") != phone.nickname:
            phone.problems.append(f"the document is not mine: you = {you}")
        activity = doc.get("activity") or {}
        extra = activity.get("extra") or {}
        if isinstance(extra.get("score"), int):
            if extra["score"] < phone.score:
                phone.problems.append(f"score went down from {phone.score} to {extra['score']}")
            phone.score = max(phone.score, extra["score"])
        question = (activity.get("results") or {}).get("current")
        if activity.get("phase") == "question" and activity.get("accepting_answers", True):
            shown = activity.get("question") or {}
            index = shown.get("index", question)
            return int(index) if isinstance(index, int) else None
        return None

    async def answer(self, phone: Phone, question: int) -> None:
        await asyncio.sleep(self.rng.random() * float(self.opts["answer_spread_seconds"]))
        choice = self.rng.randrange(4)
        path = f"/api/sessions/{self.sid}/activities/{self.aid}/responses"
        body = {"data": {"question": question, "choice": choice}}
        response = await self.send("POST", path, body, token=phone.token)
        if response.status in (200, 201):  # 200: the same answer again (a retry), stored once
            phone.acked[question] = choice
        elif response.status == 422 and (
            b"No question is open" in response.body or b"is closed" in response.body
        ):
            self.late += 1  # the reveal came first: refused, not acknowledged, as on a phone
        else:
            phone.problems.append(
                f"answer to question {question + 1}: {response.status} {response.body[:200]!r}"
            )

    # -- reading back ----------------------------------------------------------------------------

    async def final(self) -> dict[str, Any]:
        results = await self.admin_call(
            "GET", f"/api/sessions/{self.sid}/activities/{self.aid}/results"
        )
        export = await self.admin_call("GET", f"/api/sessions/{self.sid}/export?format=json")
        board = {
            str(row.get("id") or row.get("participant_id")): row for row in _leaderboard(results)
        }
        rows = [r for r in export["rows"] if r.get("activity_id", self.aid) == self.aid]
        stored: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (str(row.get("participant_id")), str(row.get("slot")))
            stored[key] = stored.get(key, 0) + 1
        phones = []
        for phone in self.phones:
            response = await self.send("GET", f"/api/sessions/{self.sid}/state", token=phone.token)
            doc = response.json() if response.status == 200 else {}
            self_seen = (doc.get("activity") or {}).get("extra") or {}
            if (doc.get("you") or {}).get("id") != phone.id:
                phone.problems.append(f"after the drill the token is not mine: {doc.get('you')}")
            row = board.get(phone.id, {})
            acked = {f"q{q}" for q in phone.acked}
            right = sum(1 for q, choice in phone.acked.items() if choice == self.correct[q])
            phones.append(
                {
                    "index": phone.index,
                    "acked": len(acked),
                    "stored_once": sum(1 for s in acked if stored.get((phone.id, s)) == 1),
                    "stored_twice": sum(1 for s in acked if stored.get((phone.id, s), 0) > 1),
                    "stored_unacked": sum(
                        1 for (pid, s), n in stored.items() if pid == phone.id and s not in acked
                    ),
                    "correct_sent": right,
                    "correct_stored": row.get("correct"),
                    "score_seen": phone.score,
                    "score_final": self_seen.get("score"),
                    "score_board": row.get("score"),
                    "versions_seen_up_to": phone.version,
                    "problems": phone.problems,
                }
            )
        return {
            "questions": len(self.opened),
            "phones": phones,
            "export_rows": len(rows),
            "late_answers": self.late,
            "requests": self.tally.requests,
            "retries": self.tally.retries,
            "releases_seen": self.tally.releases,
        }

    async def run(self) -> dict[str, Any]:
        await self.setup()
        print("live", flush=True)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

        async def wait_for_stop() -> None:
            while (line := await reader.readline()) and line.strip() != b"stop":
                pass
            self.stop.set()

        stopper = asyncio.create_task(wait_for_stop())
        await asyncio.gather(self.present(), *(self.phone(p) for p in self.phones))
        stopper.cancel()
        out = await self.final()
        self.pool.close()
        return out


def _leaderboard(results: dict[str, Any]) -> list[dict[str, Any]]:
    inner = results.get("results", results)
    board = inner.get("leaderboard") if isinstance(inner, dict) else None
    return list(board or [])


def _kind(exc: HttpError) -> str:
    text = str(exc)
    return "timed out" if "timed out" in text else text.split(":")[0]


if __name__ == "__main__":
    options = json.loads(sys.argv[1])
    found = asyncio.run(Drill(options).run())
    with open(options["report"], "w", encoding="utf-8") as handle:
        json.dump(found, handle, indent=1)
    print("done", flush=True)
