"""Run the capacity matrix and write docs/performance.md and docs/performance.png.

    .venv/bin/python bench/run_matrix.py                # 1k, 2k, 5k, 10k x SQLite, PostgreSQL
    .venv/bin/python bench/run_matrix.py --sizes 1000 --databases sqlite --duration 30
    .venv/bin/python bench/run_matrix.py --report-only  # rebuild the page from results

For each cell it makes a fresh database, migrates it, creates an admin, starts
``caja-server`` pinned to one core (``taskset -c 0``), runs ``caja-server bench`` pinned to
the other (``taskset -c 1``, the ceiling app on the server's core), and keeps the JSON in
``bench/results/``. With ``--profile`` py-spy samples the server during the run (raw
stacks in ``bench/profiles/``) and the hottest functions go into the page. The page is
rebuilt from every JSON in ``bench/results/``, so cells can be run one at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from report_page import write_page  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("CAJA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PASSWORD = "bench-matrix-password"


def _pin(cpu: str | None) -> list[str]:
    if not cpu or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return []
    return ["taskset", "-c", cpu]


def _fresh_database(kind: str, size: int, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'bench-{size}.db'}"
    import psycopg

    name = f"{os.environ.get('CAJA_BENCH_PG_DB', 'caja_bench')}_{size}"
    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{PG_ADMIN_URL.split('://', 1)[1]}/{name}"


def _build() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "-"


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not become healthy within 60 s")


def run_cell(kind: str, size: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """One cell of the matrix; returns the bench's JSON result (with a profile, if asked)."""
    url_db = _fresh_database(kind, size, workdir)
    env = {**os.environ, "CAJA_DATABASE_URL": url_db, "CAJA_ADMIN_PASSWORD": PASSWORD}
    # As deployed: JSON logs (production), warnings and up only.
    env.update(
        CAJA_LOG_LEVEL="warning", CAJA_ENV="production", CAJA_SECRET_KEY=os.urandom(16).hex()
    )
    cli = str(BIN / "caja-server")
    subprocess.run([cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([cli, "create-admin", "bench"], env=env, check=True, capture_output=True)
    port = args.port
    url = f"http://127.0.0.1:{port}"
    log = workdir / f"server-{kind}-{size}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*_pin(args.server_cpu), cli, "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=out,
            stderr=out,
        )
    # Unpinned or several workers: its own cell (the workers comparison), beside the pinned one.
    separate = args.workers > 1 or not _pin(args.server_cpu)
    cell = f"{kind}-{size}" + (f"-w{args.workers}" if separate else "")
    profile_file = RESULTS.parent / "profiles" / f"profile-{cell}.txt"
    spy = None
    try:
        _wait_healthy(url, server, log)
        result_file = RESULTS / f"{cell}.json"
        bench = [
            *_pin(args.loadgen_cpu),
            cli,
            "bench",
            "--url",
            url,
            "--participants",
            str(size),
            "--admin-user",
            "bench",
            "--duration",
            str(args.duration),
            "--json",
            str(result_file),
            "--server-pid",
            str(server.pid),
            "--database-url",
            url_db,
        ]
        if args.server_cpu is not None and _pin(args.server_cpu):
            bench += ["--ceiling-cpus", args.server_cpu]
        if args.profile:
            spy = subprocess.Popen(
                [
                    *(str(BIN / "py-spy"), "record", "--pid", str(server.pid)),
                    *("--format", "raw", "--output", str(profile_file)),
                    # --gil: only the thread holding the GIL, i.e. where the CPU goes (a
                    # thread waiting for the GIL after a syscall is not work).
                    *("--rate", "50", "--nonblocking", "--gil"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        print(f"== {kind} x {size}: {' '.join(bench)}", flush=True)
        run = subprocess.run(bench, env=env, check=False)
        if run.returncode not in (0, 1) or not result_file.exists():
            raise RuntimeError(f"caja-server bench failed ({run.returncode})")
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C, not on TERM
            spy.wait(timeout=60)
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()  # a wedged server does not finish its graceful shutdown
            server.wait()
    result: dict[str, Any] = json.loads(result_file.read_text())
    result["matrix"] = {
        "database": kind,
        "participants": size,
        "workers": args.workers,
        "pinned": bool(_pin(args.server_cpu)),
        "when": time.strftime("%d %b %H:%M UTC", time.gmtime()),
        "build": _build(),
    }
    result_file.write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the cells asked for, then rebuild docs/performance.md and .png."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--port", type=int, default=18900)
    parser.add_argument("--server-cpu", default="0")
    parser.add_argument("--loadgen-cpu", default="1")
    parser.add_argument("--profile", action="store_true", help="py-spy the server")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (caja-server --workers)"
    )
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS.parent / "profiles").mkdir(exist_ok=True)
    if not args.report_only:
        with tempfile.TemporaryDirectory(prefix="caja-matrix-") as tmp:
            for kind in args.databases.split(","):
                for size in (int(s) for s in args.sizes.split(",")):
                    run_cell(kind.strip(), size, args, Path(tmp))
    write_page(RESULTS, ROOT / "docs")
    print(f"wrote {ROOT / 'docs' / 'performance.md'} and performance.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
