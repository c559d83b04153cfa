"""deploy/nginx/caja-live-cache.conf in front of two replicas on PostgreSQL, with Debian's
nginx started by the test: a result hidden from participants never comes through the cache
(with or without anyone's credentials), it does once revealed, and the requests that reach
the replicas per second stay flat while the audience's grow."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from caja_server.bench.client import Pool, build_request
from caja_server.bench.saturate import closed_loop

from .conftest import ServerProcess, free_port, login, wait_for

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "caja-live-cache.conf"
HIDDEN_POLL = {
    "question": "Secret ballot?",
    "options": [{"text": "yes"}, {"text": "no"}],
    "results_visibility": "on_reveal",
}

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


class Nginx:
    """Debian's nginx on a free port with the shipped location config, two upstreams and a
    log line per request (and per background refresh) saying whether it reached a replica."""

    def __init__(self, upstreams: list[int], work: Path) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            pytest.skip("nginx is not installed (apt-get install -y nginx)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / "access.log"
        for d in ("cache", "tmp"):
            (work / d).mkdir()
        servers = "".join(f"server 127.0.0.1:{p};" for p in upstreams)
        user = "user root;" if os.geteuid() == 0 else ""
        (work / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format origin '$upstream_addr $upstream_cache_status $status $uri';
    access_log {self.log} origin;
    log_subrequest on;
    keepalive_requests 1000000;  # the load loop keeps its connections (default 1,000)
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=caja_live:1m inactive=1m;
    upstream caja {{ {servers} keepalive 8; }}
    server {{
        listen 127.0.0.1:{self.port};
        include {DEPLOY};
    }}
}}
"""
        )
        self.stderr = (work / "nginx.stderr").open("wb")
        self.proc = subprocess.Popen(
            [binary, "-p", str(work), "-c", str(work / "nginx.conf")],
            stdout=self.stderr,
            stderr=self.stderr,
        )
        wait_for(self._up, what=f"nginx on {self.port} ({work}/error.log)")

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError((self.log.parent / "error.log").read_text()[-2000:])
        return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200

    def origin_requests(self, path: str) -> int:
        """Requests for ``path`` that reached a replica so far (nginx logs as it goes)."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return sum(1 for line in lines if line.endswith(" " + path) and line[0] != "-")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.stderr.close()


@pytest.fixture
def cached_replicas(pg_database: str, tmp_path: Path) -> Iterator[tuple[Nginx, list[str]]]:
    servers = [ServerProcess(pg_database, tmp_path / f"replica-{n}.log") for n in (1, 2)]
    work = tmp_path / "nginx"
    work.mkdir()
    nginx = None
    try:
        nginx = Nginx([s.port for s in servers], work)
        yield nginx, [s.url for s in servers]
    finally:
        if nginx is not None:
            nginx.stop()
        for s in servers:
            s.stop()


def _shared(client: httpx.Client, path: str, **headers: str) -> httpx.Response:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_nothing_hidden_leaks_through_the_cache_and_origin_load_stays_flat(
    cached_replicas: tuple[Nginx, list[str]],
) -> None:
    nginx, replicas = cached_replicas
    admin = login(replicas[0])
    s = admin.post("/api/sessions", json={"name": "Cached"}).json()
    a = admin.post(
        f"/api/sessions/{s['id']}/activities",
        json={"type": "poll", "title": "Ballot", "config": HIDDEN_POLL},
    ).json()
    assert admin.post(f"/api/sessions/{s['id']}/start").status_code == 200
    admin.post(f"/api/sessions/{s['id']}/activities/{a['id']}/activate")

    phones = httpx.Client(base_url=nginx.url, timeout=10)
    tokens, paths = [], set()
    for n, choice in enumerate((0, 1, 1)):
        joined = phones.post("/api/join", json={"join_code": s["join_code"], "nickname": f"P{n}"})
        token = joined.json()["token"]
        tokens.append(token)
        answered = phones.post(
            f"/api/sessions/{s['id']}/activities/{a['id']}/responses",
            json={"data": {"choices": [choice]}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answered.status_code == 201, answered.text
        paths.add(answered.json()["personal"]["live"]["path"])
    assert len(paths) == 1, "on_reveal: one shared document for everyone"
    path = paths.pop()

    # Until the reveal, the document says the results are hidden and holds none of them,
    # whoever asks: nobody, a phone that answered, another phone; cached or not.
    def hidden_everywhere() -> set[str]:
        statuses = set()
        for headers in ({}, *({"Authorization": f"Bearer {t}"} for t in tokens)):
            got = _shared(phones, path, **headers)
            activity = got.json()["activity"]
            assert activity["results"] is None and activity["extra"]["results_hidden"]
            assert b'"count"' not in got.content and b'"voters"' not in got.content
            statuses.add(got.headers["x-cache"])
        return statuses

    seen = hidden_everywhere()
    assert seen <= {"MISS", "HIT", "EXPIRED", "UPDATING", "REVALIDATED"}, seen
    wait_for(lambda: "HIT" in hidden_everywhere(), what="a cache HIT")

    # The audience grows from 40 phones to thousands; the requests reaching the replicas
    # per second don't.
    tag = _shared(phones, path).headers["etag"]
    request = build_request("GET", path, "cached", headers={"If-None-Match": tag})

    def flat_out() -> tuple[float, float]:
        before = nginx.origin_requests(path)
        loop = asyncio.run(
            closed_loop("127.0.0.1", nginx.port, [request], connections=16, seconds=3)
        )
        assert loop.errors == 0 and set(loop.statuses) <= {200, 304}, loop.statuses
        return loop.rps, (nginx.origin_requests(path) - before) / loop.seconds

    async def paced(rate: float, seconds: float) -> None:
        # Open loop: one request every 1/rate s, as 2 * rate phones polling every 2 s do.
        pool = Pool("127.0.0.1", nginx.port, size=4)
        loop = asyncio.get_running_loop()
        start = loop.time()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(start + n / rate - loop.time(), 0))
            assert (await pool.request(request)).status in (200, 304)
        pool.close()

    before = nginx.origin_requests(path)
    started = time.monotonic()
    asyncio.run(paced(20, 3))
    small_origin = (nginx.origin_requests(path) - before) / (time.monotonic() - started)
    big_rps, big_origin = flat_out()
    print(f"audience 20 -> {big_rps:.0f} req/s; origin {small_origin:.2f} -> {big_origin:.2f}/s")
    assert big_rps > 20 * 20, big_rps  # the audience grew more than twentyfold
    # max-age=1 and one refresh at a time: about one origin request per second, however many
    # ask (at most 3/s: a refresh may be on its way while the copy expires again).
    assert small_origin <= 3 and big_origin <= 3, (small_origin, big_origin)
    assert big_origin <= small_origin + 1.5, (small_origin, big_origin)
    assert hidden_everywhere()

    # Revealed: everyone sees the three votes through the cache within its max-age.
    revealed = admin.post(f"/api/sessions/{s['id']}/activities/{a['id']}/actions/reveal", json={})
    assert revealed.status_code == 200, revealed.text
    started = time.monotonic()
    wait_for(
        lambda: (_shared(phones, path).json()["activity"]["results"] or {}).get("voters") == 3,
        what="the revealed results through the cache",
    )
    assert time.monotonic() - started < 5

    # The next activity: every phone asks once more for the old key. That 404 is the same
    # for everyone, so the cache answers it too: the replicas see about one a second.
    b = admin.post(
        f"/api/sessions/{s['id']}/activities",
        json={"type": "poll", "title": "Next", "config": HIDDEN_POLL},
    ).json()
    admin.post(f"/api/sessions/{s['id']}/activities/{b['id']}/activate")
    wait_for(lambda: phones.get(path).status_code == 404, what="the old key's 404")
    before = nginx.origin_requests(path)
    gone = [phones.get(path) for _ in range(30)]
    assert {r.status_code for r in gone} == {404}
    assert "HIT" in {r.headers["x-cache"] for r in gone}
    assert nginx.origin_requests(path) - before <= 3
