"""Closed-loop throughput: how many requests per second a server answers flat out.

Used twice in one run with the same client, the same connections and the same duration:
against the bare ASGI ceiling app and against Caja's unchanged shared-document poll (304). Their
ratio is the figure that holds across machines.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from caja_server.bench.client import Connection, HttpError
from caja_server.bench.stats import latency_summary


@dataclass
class Throughput:
    """The outcome of one closed-loop measurement."""

    requests: int
    seconds: float
    statuses: dict[int, int]
    errors: int
    latency: dict[str, float | int]
    cpu_share: float
    """Load generator CPU time / wall time: near 1.0 means the generator was the limit."""

    @property
    def rps(self) -> float:
        """Requests answered per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": self.rps,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "latency": self.latency,
            "loadgen_cpu_share": round(self.cpu_share, 3),
        }


async def closed_loop(
    host: str,
    port: int,
    requests: Sequence[bytes],
    *,
    connections: int,
    seconds: float,
    warmup: float = 0.5,
) -> Throughput:
    """``connections`` workers, each on its own keep-alive connection, send the given
    requests (round robin) back to back for ``seconds`` after a short warm-up."""
    loop = asyncio.get_running_loop()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    errors = 0
    measuring = False
    stop_at = loop.time() + warmup + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        conn: Connection | None = None
        i = offset
        while loop.time() < stop_at:
            raw = requests[i % len(requests)]
            i += 1
            try:
                if conn is None or conn.closed:
                    _, conn = await loop.create_connection(Connection, host, port)
                started = time.perf_counter()
                response = await conn.send(raw, 30.0)
            except (HttpError, OSError):
                if measuring:
                    errors += 1
                conn = None
                await asyncio.sleep(0.01)
                continue
            if measuring:
                latencies.append(time.perf_counter() - started)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        if conn is not None:
            conn.close()

    tasks = [asyncio.create_task(worker(n)) for n in range(connections)]
    await asyncio.sleep(warmup)
    measuring = True
    wall0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    return Throughput(
        requests=len(latencies),
        seconds=wall,
        statuses=statuses,
        errors=errors,
        latency=latency_summary(latencies),
        cpu_share=cpu / wall if wall else 0.0,
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_prefix(cpus: str | None) -> list[str]:
    """``taskset -c CPUS`` when pinning was asked for (and is possible), else nothing."""
    if not cpus:
        return []
    return ["taskset", "-c", cpus]


class CeilingServer:
    """The ceiling app in a child process (``python -m caja_server.bench.ceiling``)."""

    def __init__(self, cpus: str | None = None) -> None:
        self.port = free_port()
        self.cpus = cpus
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The ceiling app's process (for its CPU share)."""
        assert self.process is not None, "start it first"
        return self.process.pid

    async def __aenter__(self) -> CeilingServer:
        command = [
            *cpu_prefix(self.cpus),
            sys.executable,
            "-m",
            "caja_server.bench.ceiling",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(  # noqa: ASYNC220, S603 - our own module; a quick fork
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"the ceiling app did not start: {err.strip()[-500:]}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return self
        raise RuntimeError("the ceiling app did not start listening within 20 s")

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                await asyncio.to_thread(self.process.wait, 10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                await asyncio.to_thread(self.process.wait)


def parse_wrk(output: str) -> float | None:
    """Requests per second from ``wrk``'s report (None if it has none)."""
    for line in output.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split(":", 1)[1])
    return None


async def wrk(url: str, headers: dict[str, str], *, connections: int, seconds: float) -> float:
    """An independent load generator (``wrk``, one thread) flat out against ``url``: its
    requests/s. Raises RuntimeError when wrk is missing or fails."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed")
    args = [binary, "-t1", f"-c{connections}", f"-d{max(int(seconds), 1)}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    proc = await asyncio.create_subprocess_exec(
        *args, url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    rps = parse_wrk(out.decode())
    if proc.returncode != 0 or rps is None:
        raise RuntimeError(f"wrk failed: {err.decode().strip()[-300:]}")
    if "Non-2xx or 3xx responses" in out.decode():
        raise RuntimeError("wrk got answers other than 2xx/3xx")
    return rps
