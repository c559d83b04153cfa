"""Concurrent requests over real HTTP: a burst of answers and of retries."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from structlog.testing import capture_logs

from caja_server.answers import AnswerWriter

from .conftest import Api, Scene

PEOPLE = 16


def test_a_burst_of_answers_and_retries_is_stored_exactly_once(api: Api, scene: Scene) -> None:
    tokens = [api.join(scene.session["join_code"], f"Person {i}")["token"] for i in range(PEOPLE)]
    url = f"{api.server.url}/api/sessions/{scene.sid}/activities/{scene.aid}/responses"

    def answer(job: tuple[int, str]) -> int:
        index, token = job
        r = httpx.post(
            url,
            json={"data": {"choice": index % 3}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        return r.status_code

    # Every participant sends the same answer three times at once (a client retrying).
    jobs = [(i, t) for i, t in enumerate(tokens) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(answer, jobs))
    assert set(statuses) <= {200, 201}, statuses
    assert statuses.count(201) == PEOPLE
    results = api.ok(
        "GET", f"/api/sessions/{scene.sid}/activities/{scene.aid}/results", scene.alice
    )
    assert results["answer_count"] == PEOPLE
    expected = [sum(1 for i in range(PEOPLE) if i % 3 == c) for c in range(3)]
    assert results["results"]["counts"] == expected


def test_answers_that_arrive_together_are_stored_in_one_transaction(
    api: Api, scene: Scene, database_url: str
) -> None:
    """Group commit: while one batch waits for the database, the answers arriving meanwhile
    queue up and are then stored together (one transaction, one version bump), and every
    request still hears its own answer."""
    tokens = [api.join(scene.session["join_code"], f"Person {i}")["token"] for i in range(PEOPLE)]
    url = f"{api.server.url}/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    writer: AnswerWriter = api.server.app.state.answers
    received, batches = writer.received, writer.batches
    version = api.ok("GET", f"/api/sessions/{scene.sid}", scene.alice)["version"]

    def answer(job: tuple[int, str]) -> httpx.Response:
        index, token = job
        return httpx.post(
            url,
            json={"data": {"choice": index % 3}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        with hold_the_write_lock(api, database_url, scene.sid):
            replies = pool.map(answer, enumerate(tokens))
            deadline = time.monotonic() + 30
            while writer.received < received + PEOPLE:  # all of them wait for the writer
                assert time.monotonic() < deadline, "the answers never reached the writer"
                time.sleep(0.01)
        replies_list = list(replies)
    assert [r.status_code for r in replies_list] == [201] * PEOPLE
    assert sorted(r.json()["data"]["choice"] for r in replies_list) == sorted(
        i % 3 for i in range(PEOPLE)
    )
    assert writer.batches - batches <= 2  # the one that waited, then all the others
    results = api.ok(
        "GET", f"/api/sessions/{scene.sid}/activities/{scene.aid}/results", scene.alice
    )
    assert results["answer_count"] == PEOPLE
    new_version = api.ok("GET", f"/api/sessions/{scene.sid}", scene.alice)["version"]
    assert new_version - version <= 2


@contextmanager
def hold_the_write_lock(api: Api, database_url: str, sid: str) -> Iterator[None]:
    """Make the answer writer wait: SQLite's write lock, or the session's row on PostgreSQL
    (every batch bumps the session's version)."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    with api.database.engine.connect() as conn:
        conn.execute(text("SELECT 1 FROM sessions WHERE id = :id FOR UPDATE"), {"id": sid})
        try:
            yield
        finally:
            conn.rollback()


def test_a_batch_kept_waiting_by_the_database_is_logged_as_slow(
    api: Api, scene: Scene, database_url: str
) -> None:
    """An answer batch slower than ``slow_batch_seconds`` is logged with where its time
    went (statements or commit); a quick one is not."""
    token = api.join(scene.session["join_code"], "Slowpoke")["token"]
    quick = api.join(scene.session["join_code"], "Quick")["token"]
    url = f"{api.server.url}/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    writer: AnswerWriter = api.server.app.state.answers
    writer.slow_batch_seconds = 0.15
    slow_before, received = writer.slow_batches, writer.received

    def answer(who: str) -> httpx.Response:
        return httpx.post(
            url,
            json={"data": {"choice": 1}},
            headers={"Authorization": f"Bearer {who}"},
            timeout=60,
        )

    with capture_logs() as logs, ThreadPoolExecutor(max_workers=1) as pool:
        with hold_the_write_lock(api, database_url, scene.sid):
            reply = pool.submit(answer, token)
            deadline = time.monotonic() + 30
            while writer.received < received + 1:
                assert time.monotonic() < deadline, "the answer never reached the writer"
                time.sleep(0.01)
            time.sleep(0.3)  # the batch waits for the lock at least this long
        assert reply.result().status_code == 201
        assert answer(quick).status_code == 201  # nothing in its way: not slow
    slow = [e for e in logs if e["event"] == "answer_batch_slow"]
    assert writer.slow_batches == slow_before + 1
    assert len(slow) == 1
    assert slow[0]["answers"] == 1
    assert slow[0]["ms"] >= 300
    assert slow[0]["statements_ms"] + slow[0]["commit_ms"] == pytest.approx(slow[0]["ms"], abs=0.2)
