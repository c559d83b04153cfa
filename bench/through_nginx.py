"""``caja-server bench`` through the nginx micro-cache (deploy/nginx/caja-live-cache.conf) in
front of two replicas on PostgreSQL: what the phones see through the cache, and how many of
their shared-document polls reach the replicas each second.

    .venv/bin/python bench/through_nginx.py --participants 1000 --duration 30

A fresh database (``$CAJA_BENCH_PG``), two ``caja-server`` replicas, Debian's nginx with the
shipped location file, the bench against nginx with both replicas' CPU counted as the
server's. The result goes to ``bench/results/nginx-postgresql-<N>.json`` (with ``nginx``:
the shared-document requests per second at the phones and at the replicas) and into the
table of docs/performance.md.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from report_page import write_page  # noqa: E402
from run_matrix import BIN, PASSWORD, RESULTS, _build, _fresh_database, _wait_healthy  # noqa: E402

CONF = ROOT / "deploy" / "nginx" / "caja-live-cache.conf"


def nginx_config(work: Path, port: int, upstreams: list[int]) -> Path:
    """A main config around the shipped location file, logging where each request went."""
    for d in ("cache", "tmp"):
        (work / d).mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    servers = "".join(f"server 127.0.0.1:{p};" for p in upstreams)
    path = work / "nginx.conf"
    path.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 8192; }}
worker_rlimit_nofile 16384;
http {{
    log_format origin '$msec $upstream_addr $upstream_cache_status $status $uri';
    access_log {work}/access.log origin;
    log_subrequest on;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=caja_live:10m inactive=10m;
    upstream caja {{ {servers} keepalive 256; }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        include {CONF};
    }}
}}
"""
    )
    return path


def origin_load(log: Path) -> dict[str, Any]:
    """Shared-document requests per second at nginx (the phones) and at the replicas."""
    phones: collections.Counter[int] = collections.Counter()
    origin: collections.Counter[int] = collections.Counter()
    why: collections.Counter[str] = collections.Counter()
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) < 5 or not parts[4].startswith("/api/live/"):
            continue
        second = int(float(parts[0]))
        phones[second] += 1
        if parts[1] != "-":
            origin[second] += 1
            why[f"{parts[2]} {parts[3]}"] += 1  # cache status, HTTP status
    busy = [s for s, n in phones.items() if n >= 10]
    if not busy:
        return {}
    return {
        "seconds": len(busy),
        "phones_per_s_mean": sum(phones[s] for s in busy) / len(busy),
        "phones_per_s_max": max(phones[s] for s in busy),
        "origin_per_s_mean": sum(origin[s] for s in busy) / len(busy),
        "origin_per_s_max": max(origin[s] for s in busy),
        "origin_by_cache_and_status": dict(why.most_common()),
        "documents": len({line.split()[4] for line in log.read_text().splitlines()
                          if "/api/live/" in line}),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """One run through nginx; rebuilds the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--port", type=int, default=18950)
    args = parser.parse_args(argv)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory(prefix="caja-nginx-") as tmp:
        work = Path(tmp)
        url_db = _fresh_database("postgresql", args.participants, work)
        env = {**os.environ, "CAJA_DATABASE_URL": url_db, "CAJA_ADMIN_PASSWORD": PASSWORD}
        env.update(
            CAJA_LOG_LEVEL="warning",
            CAJA_ENV="production",
            CAJA_SECRET_KEY=os.urandom(16).hex(),
            CAJA_PUBLIC_URL=f"http://127.0.0.1:{args.port}",
        )
        cli = str(BIN / "caja-server")
        subprocess.run([cli, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([cli, "create-admin", "bench"], env=env, check=True, capture_output=True)
        ports = [args.port + 1, args.port + 2]
        replicas = []
        front = None
        result_file = RESULTS / f"nginx-postgresql-{args.participants}.json"
        try:
            for p in ports:
                log = (work / f"replica-{p}.log").open("wb")
                replicas.append(
                    subprocess.Popen([cli, "--port", str(p)], env=env, stdout=log, stderr=log)
                )
            for p, proc in zip(ports, replicas, strict=True):
                _wait_healthy(f"http://127.0.0.1:{p}", proc, work / f"replica-{p}.log")
            conf = nginx_config(work, args.port, ports)
            front = subprocess.Popen([nginx, "-p", str(work), "-c", str(conf)])
            _wait_healthy(f"http://127.0.0.1:{args.port}", front, work / "error.log")
            bench = [
                *(cli, "bench", "--url", f"http://127.0.0.1:{args.port}"),
                *("--participants", str(args.participants), "--admin-user", "bench"),
                *("--duration", str(args.duration), "--json", str(result_file)),
                *("--database-url", url_db),
                *(arg for proc in replicas for arg in ("--server-pid", str(proc.pid))),
            ]
            print("== through nginx:", " ".join(bench), flush=True)
            run = subprocess.run(bench, env=env, check=False)
            if run.returncode not in (0, 1) or not result_file.exists():
                raise RuntimeError(f"caja-server bench failed ({run.returncode})")
        finally:
            if front is not None:
                front.terminate()
                front.wait(timeout=30)
            for proc in replicas:
                proc.terminate()
                proc.wait(timeout=30)
        result: dict[str, Any] = json.loads(result_file.read_text())
        result["nginx"] = origin_load(work / "access.log")
        result["matrix"] = {
            "database": "postgresql via nginx, 2 replicas",
            "participants": args.participants,
            "workers": 1,
            "pinned": False,
            "when": time.strftime("%d %b %H:%M UTC", time.gmtime()),
            "build": _build(),
        }
        result_file.write_text(json.dumps(result, indent=2) + "\n")
        print("nginx:", json.dumps(result["nginx"]))
    write_page(RESULTS, ROOT / "docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
