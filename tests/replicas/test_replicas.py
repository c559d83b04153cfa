"""Two `caja-server` processes on one PostgreSQL database drive one session together."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from .conftest import ServerProcess, TcpProxy, login, running_poll, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def two_servers(pg_database, tmp_path):
    servers = [ServerProcess(pg_database, tmp_path / f"server{i}.log") for i in range(2)]
    yield servers
    for s in servers:
        s.stop()


def state(client: httpx.Client, sid: str, token: str, etag: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(f"/api/sessions/{sid}/state", headers=headers)


def test_a_session_driven_across_two_replicas(two_servers):
    a, b = two_servers
    admin_a = login(a.url)
    sid, aid, code = running_poll(admin_a)
    # a login token from replica A works on replica B
    admin_b = httpx.Client(base_url=b.url, headers=admin_a.headers, timeout=10)
    assert admin_b.get("/api/auth/me").status_code == 200
    clients = [httpx.Client(base_url=s.url, timeout=10) for s in (a, b)]
    expected: Counter[int] = Counter()
    tokens = []
    for i in range(12):
        join_on, answer_on = clients[i % 2], clients[(i + 1) % 2]
        joined = join_on.post("/api/join", json={"join_code": code, "nickname": f"Phone {i}"})
        assert joined.status_code == 201, joined.text
        token = joined.json()["token"]
        tokens.append(token)
        choice = i % 3
        r = answer_on.post(
            f"/api/sessions/{sid}/activities/{aid}/responses",
            json={"data": {"choices": [choice]}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 201, r.text
        # the client retries on the other replica (it never saw the first reply)
        retry = join_on.post(
            f"/api/sessions/{sid}/activities/{aid}/responses",
            json={"data": {"choices": [choice]}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert retry.status_code == 200, retry.text
        expected[choice] += 1

    for admin in (admin_a, admin_b):
        results = admin.get(f"/api/sessions/{sid}/activities/{aid}/results").json()
        assert results["answer_count"] == 12
        assert results["results"]["voters"] == 12
        assert [o["count"] for o in results["results"]["options"]] == [
            expected[0],
            expected[1],
            expected[2],
        ]
    admin_token = admin_a.headers["Authorization"].split()[1]

    def same_version_on_both() -> list | None:
        # A replica learns of the other's writes within a poll interval (the relay), not at
        # once: the two documents agree as soon as both have caught up.
        got = [state(c, sid, admin_token).json() for c in clients]
        return got if got[0]["version"] == got[1]["version"] else None

    docs = wait_for(same_version_on_both, timeout=5, what="both replicas at one version")
    assert docs[0]["activity"]["results"] == docs[1]["activity"]["results"]
    assert docs[0]["participant_count"] == 12
    exported = admin_b.get(f"/api/sessions/{sid}/export", params={"format": "json"})
    assert exported.status_code == 200


def test_a_change_on_one_replica_reaches_pollers_on_the_other_within_a_poll(two_servers):
    a, b = two_servers
    admin_a = login(a.url)
    sid, aid, code = running_poll(admin_a)
    admin_token = admin_a.headers["Authorization"].split()[1]
    client_a, client_b = (httpx.Client(base_url=s.url, timeout=10) for s in (a, b))
    first = state(client_a, sid, admin_token)
    etag = first.headers["ETag"]
    assert state(client_a, sid, admin_token, etag).status_code == 304
    joined = client_b.post("/api/join", json={"join_code": code, "nickname": "Late"})
    token = joined.json()["token"]
    r = client_b.post(
        f"/api/sessions/{sid}/activities/{aid}/responses",
        json={"data": {"choices": [2]}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201
    acked = time.monotonic()

    def seen_on_a():
        resp = state(client_a, sid, admin_token, etag)
        if resp.status_code != 200:
            return None
        voters = resp.json()["activity"]["results"]["voters"]
        return voters == 1 and time.monotonic()

    seen = wait_for(seen_on_a, timeout=10, what="the answer on replica A")
    assert seen - acked < 2.0, f"took {seen - acked:.2f}s, more than one poll interval"


def test_readiness_follows_the_database_and_nothing_acknowledged_is_lost(pg_database, tmp_path):
    from sqlalchemy.engine import make_url

    url = make_url(pg_database)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    server = ServerProcess(via_proxy, tmp_path / "server.log")
    try:
        client = httpx.Client(base_url=server.url, timeout=10)
        assert client.get("/readyz").status_code == 200
        admin = login(server.url)
        sid, aid, code = running_poll(admin)
        tokens = [
            client.post("/api/join", json={"join_code": code, "nickname": n}).json()["token"]
            for n in ("Ana", "Bo")
        ]
        answer = client.post(
            f"/api/sessions/{sid}/activities/{aid}/responses",
            json={"data": {"choices": [0]}},
            headers={"Authorization": f"Bearer {tokens[0]}"},
        )
        assert answer.status_code == 201

        proxy.cut()
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] is False
        during = client.post(
            f"/api/sessions/{sid}/activities/{aid}/responses",
            json={"data": {"choices": [1]}},
            headers={"Authorization": f"Bearer {tokens[1]}"},
        )
        assert during.status_code == 503, during.text
        assert during.json()["error"] == "database_unavailable"
        assert admin.get("/api/sessions").status_code == 503

        proxy.restore()
        wait_for(lambda: client.get("/readyz").status_code == 200, what="recovery")
        results = admin.get(f"/api/sessions/{sid}/activities/{aid}/results").json()
        assert results["answer_count"] == 1
        assert results["results"]["options"][0]["count"] == 1
        # the refused answer can be sent again now
        again = client.post(
            f"/api/sessions/{sid}/activities/{aid}/responses",
            json={"data": {"choices": [1]}},
            headers={"Authorization": f"Bearer {tokens[1]}"},
        )
        assert again.status_code == 201
    finally:
        server.stop()
        proxy.cut()
