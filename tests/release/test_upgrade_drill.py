"""The upgrade drill: a release goes out, and comes back, under a live audience.

Blue is the previous release (``deploy/previous-release.toml``, its own tree and virtualenv,
cached by tests/release/test_previous_release.py), green is this tree. Both run on one
PostgreSQL database behind Debian's nginx, which this test starts. A few hundred phones of
blue's version (blue's own load-generator client, tests/release/drill_phones.py) poll and
answer a quiz throughout:

1. blue serves; green migrates the database while blue serves; green starts and passes its
   readiness check; nginx reloads to green; blue drains (nginx's old workers finish) and stops;
2. the rollback: blue starts again on green's schema, nginx reloads to blue, green drains
   and stops.

Then every answer acknowledged is stored exactly once, no phone lost its identity or score,
the live state never went backwards for any phone, and the only failed requests are the ones
the web app retries (counted and printed). The figures are in docs/deploy.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import create_engine, make_url, text

from .test_previous_release import (
    previous_release,
    release_checkout,
    require_git,
    require_release_commit,
)

ROOT = Path(__file__).resolve().parents[2]
PHONES = Path(__file__).with_name("drill_phones.py")
GREEN = Path(sys.executable).parent  # this tree's virtualenv
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
AUDIENCE = int(os.environ.get("CAJA_DRILL_PHONES", "200"))
PASSWORD = "drill-" + secrets.token_hex(8)

# v0.1.0's serve command refuses a schema newer than its own (later releases serve on it:
# Database.schema_is_usable); a rollback to it runs its app the way its CLI would, minus that
# one check. Its /readyz says schema: false on a newer schema for the same reason.
BLUE_SERVE = """
import sys, uvicorn
from caja_server.app import create_app
from caja_server.logs import configure_logging
from caja_server.settings import Settings
settings = Settings(host="127.0.0.1", port=int(sys.argv[1]))
configure_logging(settings)
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port,
            log_config=None, access_log=False, timeout_keep_alive=75, server_header=False)
"""

NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
daemon off;
user root;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  keepalive_timeout 60s;
  include {dir}/upstream.conf;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://caja;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def wait_until(
    what: str, check: Any, timeout: float, proc: subprocess.Popen[Any] | None = None
) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            last = check()
            if last:
                return last
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout:g} s (last: {last!r})")


class Server:
    """One release's server process, with its log in a file."""

    def __init__(
        self, name: str, argv: list[str], port: int, log: Path, env: dict[str, str]
    ) -> None:
        self.name, self.port, self.log = name, port, log
        self.out: IO[bytes] = log.open("wb")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT, env=env)

    def ready(self, blue_on_newer_schema: bool = False) -> None:
        def check() -> bool:
            status, _, body = get(f"http://127.0.0.1:{self.port}/readyz")
            if status == 200:
                return True
            checks = json.loads(body).get("checks", {}) if body else {}
            # The one check v0.1.0 cannot pass on a newer schema (see BLUE_SERVE).
            return blue_on_newer_schema and checks == {
                "database": True,
                "schema": False,
                "plugins": True,
            }

        wait_until(f"{self.name} ready", check, 60, self.proc)

    def stop(self) -> float:
        """SIGTERM, as ECS stops a task; uvicorn finishes what it has in flight. Seconds taken."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=40)
        self.out.close()
        # uvicorn shuts down gracefully, then re-raises the signal (-15), or exits 0.
        assert self.proc.returncode in (0, -signal.SIGTERM), (
            f"{self.name} exited with {self.proc.returncode}: {self.tail()}"
        )
        assert "Application shutdown complete" in self.tail(), self.tail()
        return time.monotonic() - started

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.out.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


class Nginx:
    def __init__(self, work: Path, upstream_port: int) -> None:
        self.dir = work / "nginx"
        self.dir.mkdir()
        self.port = free_port()
        self.point_at(upstream_port)
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.dir, port=self.port))
        self.proc = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=(self.dir / "stderr.log").open("wb"),
        )
        wait_until("nginx answering", lambda: get(self.url("/healthz"))[0] == 200, 20, self.proc)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def point_at(self, port: int) -> None:
        upstream = f"upstream caja {{ server 127.0.0.1:{port}; keepalive 64; }}\n"
        (self.dir / "upstream.conf").write_text(upstream)

    def switch(self, port: int) -> float:
        """Reload onto another upstream; wait until the old workers are gone (drained)."""
        old = self.workers()
        self.point_at(port)
        started = time.monotonic()
        self.proc.send_signal(signal.SIGHUP)
        wait_until("nginx reloaded", lambda: set(self.workers()) - set(old), 20, self.proc)
        wait_until(
            "old nginx workers drained", lambda: not set(old) & set(self.workers()), 60, self.proc
        )
        return time.monotonic() - started

    def workers(self) -> list[int]:
        found = subprocess.run(
            ["ps", "--ppid", str(self.proc.pid), "-o", "pid="],
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(p) for p in found.stdout.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@contextlib.contextmanager
def drill_database(server_url: str) -> Iterator[str]:
    url = make_url(server_url)
    name = f"caja_drill_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(argv: list[str], env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, (
        f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    )
    return done.stdout


@pytest.mark.slow
def test_a_release_goes_out_and_back_under_a_live_audience(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the drill runs blue and green on one PostgreSQL database")
    if not Path(NGINX).exists():
        pytest.fail(
            "nginx is not installed: `apt-get install nginx-light` (scripts/ensure-nginx.sh)"
        )
    require_git()
    release = previous_release()
    require_release_commit(release)
    blue_home = release_checkout(release)
    blue_bin = blue_home / "venv" / "bin"
    server = os.environ["CAJA_TEST_DATABASE_URL"]
    timings: dict[str, float] = {}
    began = time.monotonic()

    def say(what: str) -> None:
        print(f"drill +{time.monotonic() - began:5.1f} s: {what}", file=sys.stderr, flush=True)

    servers: list[Server] = []
    nginx: Nginx | None = None
    phones: subprocess.Popen[str] | None = None
    with drill_database(server) as url:
        env = {
            **os.environ,
            "CAJA_DATABASE_URL": url,
            "CAJA_ADMIN_PASSWORD": PASSWORD,
            "CAJA_SECRET_KEY": secrets.token_hex(32),
            "CAJA_LOG_FORMAT": "json",
        }
        for key in ("CAJA_TEST_DATABASE_URL", "CAJA_TEST_DB_ONLY", "PYTHONPATH"):
            env.pop(key, None)

        def serve(name: str, argv: list[str]) -> Server:
            port = free_port()
            started = Server(name, [*argv, str(port)], port, tmp_path / f"{name}.log", env)
            servers.append(started)
            return started

        try:
            run([str(blue_bin / "caja-server"), "migrate"], env)
            run([str(blue_bin / "caja-server"), "create-admin", "drill"], env)
            blue = serve("blue", [str(blue_bin / "caja-server"), "--host", "127.0.0.1", "--port"])
            blue.ready()
            nginx = Nginx(tmp_path, blue.port)
            options = {
                "host": "127.0.0.1",
                "port": nginx.port,
                "phones": AUDIENCE,
                "user": "drill",
                "password": PASSWORD,
                "questions": 60,
                "min_questions": 4,
                "open_seconds": 5.0,
                "reveal_seconds": 0.5,
                "poll_seconds": 2.0,  # as the web app polls
                "answer_spread_seconds": 1.0,
                "report": str(tmp_path / "report.json"),
            }
            phones = subprocess.Popen(
                [str(blue_bin / "python"), str(PHONES), json.dumps(options)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=(tmp_path / "phones.err").open("w"),
                text=True,
                env=env,
            )
            assert phones.stdout is not None and phones.stdin is not None

            def next_line(want: str) -> None:
                """Read the phones' output up to a line starting with ``want``."""
                assert phones is not None and phones.stdout is not None
                for line in phones.stdout:
                    if line.startswith(want):
                        return
                err = (tmp_path / "phones.err").read_text()[-3000:]
                raise AssertionError(f"the phones stopped before '{want}': {err}")

            next_line("live")
            say("live")
            next_line("question 2")  # the audience is polling and answering on blue
            say("question 2 on blue")

            # -- the release: green migrates while blue serves, starts, takes over --------
            started = time.monotonic()
            run([str(GREEN / "caja-server"), "migrate"], env)
            timings["green migrates while blue serves (s)"] = time.monotonic() - started
            next_line("question")  # blue goes on serving on the migrated schema
            green = serve("green", [str(GREEN / "caja-server"), "--host", "127.0.0.1", "--port"])
            green.ready()
            say("green ready")
            _, headers, _ = get(f"http://127.0.0.1:{green.port}/readyz")
            green_release = headers.get("x-caja-release", "")
            timings["nginx reload to green, old workers drained (s)"] = nginx.switch(green.port)
            timings["blue stops (SIGTERM to exit, s)"] = blue.stop()
            say("blue stopped")
            next_line("question")
            next_line("question")  # green serves blue's phones

            # -- the rollback: blue again, on green's schema ---------------------------------
            blue_again = serve("blue-again", [str(blue_bin / "python"), "-c", BLUE_SERVE])
            blue_again.ready(blue_on_newer_schema=True)
            say("blue ready again")
            timings["nginx reload to blue, old workers drained (s)"] = nginx.switch(blue_again.port)
            timings["green stops (SIGTERM to exit, s)"] = green.stop()
            say("green stopped")
            next_line("question")
            next_line("question")  # blue serves again on the new schema

            phones.stdin.write("stop\n")
            phones.stdin.flush()
            next_line("done")
            say("phones done")
            assert phones.wait(timeout=60) == 0
            report = json.loads((tmp_path / "report.json").read_text())
            blue_again.stop()
        finally:
            if phones is not None and phones.poll() is None:
                phones.kill()
            if nginx is not None:
                nginx.stop()
            for one in servers:
                one.kill()

    check_report(report, green_release, timings)


def check_report(report: dict[str, Any], green_release: str, timings: dict[str, float]) -> None:
    phones = report["phones"]
    acked = sum(p["acked"] for p in phones)
    summary = {
        "phones": len(phones),
        "questions": report["questions"],
        "answers acknowledged": acked,
        "answers refused as late (after the reveal)": report["late_answers"],
        "stored exactly once": sum(p["stored_once"] for p in phones),
        "requests": report["requests"],
        "retried by design": report["retries"],
        "responses by X-Caja-Release": report["releases_seen"],
        **{k: round(v, 2) for k, v in timings.items()},
    }
    print("upgrade drill:", json.dumps(summary, indent=1))
    problems = [f"phone {p['index']}: {x}" for p in phones for x in p["problems"]]
    assert not problems, "\n".join(problems[:40])
    assert acked >= len(phones) * 5, "the phones answered too little for the drill to mean much"
    for p in phones:
        assert p["stored_once"] == p["acked"], (
            f"phone {p['index']}: an acknowledged answer is not stored once: {p}"
        )
        assert p["stored_twice"] == 0 and p["stored_unacked"] == 0, p
        assert p["correct_stored"] == p["correct_sent"], f"phone {p['index']}: score lost: {p}"
        assert p["score_final"] == p["score_board"], f"phone {p['index']}: {p}"
        assert p["score_seen"] <= p["score_final"], f"phone {p['index']}: {p}"
    # Green told the phones who it is; blue (v0.1.0) did not yet.
    assert green_release and report["releases_seen"].get(green_release, 0) > 0, report[
        "releases_seen"
    ]
