"""A burst of concurrent joins and answers completes: no request can tie up every worker
thread while the one holding a lock waits for a thread (docs/performance.md, findings)."""

from __future__ import annotations

import asyncio
import os
import subprocess

import httpx
import pytest

from .conftest import ADMIN_PASSWORD, BIN, ServerProcess, login, running_poll

pytestmark = pytest.mark.slow

PEOPLE = 300


async def _burst(base_url: str, sid: str, aid: str, code: str) -> list[int]:
    limits = httpx.Limits(max_connections=PEOPLE, max_keepalive_connections=PEOPLE)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:

        async def one(i: int) -> int:
            joined = await client.post(
                "/api/join", json={"join_code": code, "nickname": f"Phone {i}"}
            )
            assert joined.status_code == 201, joined.text
            answered = await client.post(
                f"/api/sessions/{sid}/activities/{aid}/responses",
                json={"data": {"choices": [i % 3]}},
                headers={"Authorization": f"Bearer {joined.json()['token']}"},
            )
            return answered.status_code

        return await asyncio.gather(*(one(i) for i in range(PEOPLE)))


@pytest.fixture
def any_database(database_url, tmp_path):
    """A migrated database of the test's own, with the `host` admin."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'burst.db'}"
    else:
        url = database_url
    env = {**os.environ, "CAJA_DATABASE_URL": url, "CAJA_ADMIN_PASSWORD": ADMIN_PASSWORD}
    subprocess.run([str(BIN / "caja-server"), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "caja-server"), "create-admin", "host"], env=env, check=True, capture_output=True
    )
    return url


def test_a_burst_of_joins_and_answers_all_land(any_database, tmp_path):
    server = ServerProcess(any_database, tmp_path / "server.log")
    try:
        admin = login(server.url)
        sid, aid, code = running_poll(admin)
        statuses = asyncio.run(_burst(server.url, sid, aid, code))
        assert statuses == [201] * PEOPLE
        results = admin.get(f"/api/sessions/{sid}/activities/{aid}/results").json()
        assert results["answer_count"] == PEOPLE
        assert sum(o["count"] for o in results["results"]["options"]) == PEOPLE
    finally:
        server.stop()
