"""Concurrent requests over real HTTP: a burst of answers and of retries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

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
