"""``caja-server bench``: the command line, the run's phases, and the result document."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import shutil
import sys
import time
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from caja_server.bench.activities import BUILT_IN
from caja_server.bench.client import HttpError
from caja_server.bench.cpu import CpuMeter, listening_pids
from caja_server.bench.report import render
from caja_server.bench.saturate import CeilingServer, closed_loop, wrk
from caja_server.bench.scenario import (
    ANSWER_LABEL,
    JOIN_LABEL,
    POLL_LABEL,
    BenchError,
    Options,
    Scenario,
)
from caja_server.bench.stats import (
    Recorder,
    freshness_for_phones,
    latency_summary,
    percentile,
    vote_to_screen,
)
from caja_server.bench.stored import stored_answers
from caja_server.bench.targets import check_targets

JSON = dict[str, Any]
T = TypeVar("T")


def build_parser() -> argparse.ArgumentParser:
    """The options of ``caja-server bench``."""
    p = argparse.ArgumentParser(
        prog="caja-server bench",
        description="Simulate one live session against a running Caja server and report "
        "throughput, latency, answers accepted vs stored and vote-to-screen latency.",
    )
    p.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    p.add_argument("--participants", "-n", type=int, default=100, help="audience size (100)")
    p.add_argument("--admin-user", default="admin", help="presenter username (admin)")
    p.add_argument(
        "--admin-password",
        default=os.environ.get("CAJA_ADMIN_PASSWORD"),
        help="presenter password (default: $CAJA_ADMIN_PASSWORD)",
    )
    p.add_argument("--duration", type=float, default=60, help="seconds of live session (60)")
    p.add_argument("--poll-interval", type=float, default=2, help="phone poll period, s (2)")
    p.add_argument("--screen-interval", type=float, default=1, help="big screen period, s (1)")
    p.add_argument("--burst-seconds", type=float, default=10, help="answer burst window, s (10)")
    p.add_argument("--activities", default="poll,quiz,wordcloud", help="types, in order")
    p.add_argument("--connections", type=int, default=1024, help="keep-alive pool size (1024)")
    p.add_argument(
        "--join-concurrency", type=int, default=100, help="joins in flight in the burst (100)"
    )
    p.add_argument("--timeout", type=float, default=30, help="per-request timeout, s (30)")
    p.add_argument(
        "--saturation-seconds",
        type=float,
        default=5,
        help="flat-out 304 measurement against the server and the ceiling, each (5; 0: skip)",
    )
    p.add_argument("--saturation-connections", type=int, default=32, help="for it (32)")
    p.add_argument("--ceiling-cpus", help="pin the ceiling app with taskset -c (e.g. 0)")
    p.add_argument(
        "--wrk-connections",
        type=int,
        default=100,
        help="the same flat-out pair measured by wrk too, when installed (100; 0: skip)",
    )
    p.add_argument(
        "--json", metavar="FILE", help="also write the full result as JSON ('-': stdout)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed of the answers (1)")
    p.add_argument(
        "--server-pid",
        type=int,
        action="append",
        help="the server's process (repeatable; its children count too). Default: whoever "
        "listens on the URL's port, when that can be seen",
    )
    p.add_argument(
        "--database-url",
        default=os.environ.get("CAJA_DATABASE_URL"),
        help="the server's database, to count the stored answers in it (default: "
        "$CAJA_DATABASE_URL; without one, the results API and the export are the check)",
    )
    p.add_argument("--observers", type=int, default=64, help="phones timed for freshness (64)")
    return p


def _options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Options:
    url = urlsplit(args.url)
    if url.scheme != "http" or not url.hostname:
        parser.error("--url must look like http://HOST:PORT (plain HTTP)")
    if not args.admin_password:
        parser.error("give --admin-password or set CAJA_ADMIN_PASSWORD")
    for name in (
        "participants",
        "connections",
        "join_concurrency",
        "saturation_connections",
        "observers",
    ):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    for name in ("duration", "poll_interval", "screen_interval", "burst_seconds", "timeout"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    activities = tuple(a.strip() for a in args.activities.split(",") if a.strip())
    unknown = [a for a in activities if a not in BUILT_IN]
    if unknown or not activities:
        parser.error(f"--activities: choose among {', '.join(BUILT_IN)} (got {args.activities})")
    return Options(
        host=url.hostname or "127.0.0.1",
        port=url.port or 80,
        participants=args.participants,
        admin_user=args.admin_user,
        admin_password=args.admin_password,
        duration=args.duration,
        poll_interval=args.poll_interval,
        screen_interval=args.screen_interval,
        burst_seconds=args.burst_seconds,
        connections=args.connections,
        join_concurrency=args.join_concurrency,
        timeout=args.timeout,
        activities=activities,
        observers=args.observers,
        seed=args.seed,
    )


@contextlib.contextmanager
def load_generator_gc_off() -> Iterator[None]:
    """No cyclic garbage collection in the load generator while it measures.

    With 10,000 simulated phones the generator's own heap is large, and Python's collector
    stopped it for 40-110 ms every second or two (a full collection: 140-210 ms), which
    the run then charged to the server: requests due in such a pause left late, responses
    were read late. The generator makes next to no cyclic garbage (the collections found
    none), so it collects once before and once after instead.
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


async def _with_ticker(progress: Progress, scenario: Scenario, job: Coroutine[Any, Any, T]) -> T:
    """Run ``job`` while a ticker refreshes the progress bar twice a second."""
    task = progress.add_task("setup", total=scenario.opts.duration)

    async def tick() -> None:
        while True:
            elapsed = max(time.perf_counter() - scenario.t0, 0) if scenario.t0 else 0
            rec = scenario.rec
            progress.update(
                task,
                completed=min(elapsed, scenario.opts.duration),
                description=f"{scenario.phase:<22} {rec.total_requests():>8} requests "
                f"{rec.total_errors():>5} errors",
            )
            await asyncio.sleep(0.5)

    ticker = asyncio.create_task(tick())
    try:
        return await job
    finally:
        ticker.cancel()


async def run_bench(args: argparse.Namespace, opts: Options, console: Console) -> JSON:
    """Every phase of one run; returns the result document."""
    recorder = Recorder()
    scenario = Scenario(opts, recorder)
    server_pids = args.server_pid or listening_pids(opts.port)
    meter = CpuMeter(server_pids)
    cpu: JSON = {}
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:>5.0f}/{task.total:.0f} s"),
        TimeElapsedColumn(),
        console=console,
        refresh_per_second=2,
        disable=not console.is_terminal,
    )
    try:
        with progress, load_generator_gc_off():
            await scenario.setup()
            console.print(
                f"Session {scenario.session_id} (join code {scenario.join_code}): "
                f"{opts.participants} phones joining..."
            )
            meter.start()
            await scenario.join_all()
            cpu["join_burst"] = meter.stop().as_dict()
            meter.start()
            await _with_ticker(progress, scenario, scenario.run())
            cpu["live"] = meter.stop().as_dict()
        answers = await scenario.readback()
        if args.database_url:
            try:
                counted = await asyncio.to_thread(
                    stored_answers, args.database_url, [a["activity_id"] for a in answers]
                )
            except Exception as exc:  # reported; the API's check still holds
                scenario.problems.append(f"counting the answers in the database: {exc}")
                counted = {}
            for a in answers:
                rows, unique = counted.get(a["activity_id"], (None, None))
                a["database_rows"], a["database_unique"] = rows, unique
        for a in answers:
            a["exactly_once"] = _exactly_once(a)
        throughput = None
        if args.saturation_seconds > 0:
            try:
                with load_generator_gc_off():
                    throughput = await _flat_out(args, scenario, meter)
            except (HttpError, RuntimeError) as exc:
                scenario.problems.append(f"flat-out 304 measurement: {exc}")
        await scenario.complete()
    finally:
        scenario.close()
    return build_result(scenario, recorder, answers, throughput, cpu, server_pids)


def _exactly_once(a: JSON) -> bool:
    """Every answer acknowledged with 201 is one row: in the results, the export and (when
    it was read) the database, with no (participant, slot) twice."""
    counts = [a["stored"], a["exported_rows"], a["exported_unique"]]
    if a.get("database_rows") is not None:
        counts += [a["database_rows"], a["database_unique"]]
    return all(c == a["accepted"] for c in counts)


def build_result(
    scenario: Scenario,
    recorder: Recorder,
    answers: list[JSON],
    throughput: JSON | None,
    cpu: JSON,
    server_pids: list[int],
) -> JSON:
    """The result document of a run (see ``docs/performance.md``)."""
    opts = scenario.opts
    burst = scenario.join
    joins = recorder.series.get(JOIN_LABEL)
    join_latencies = sorted(joins.latencies) if joins else []
    window = max(burst.ended - burst.started, 1e-9)
    result: JSON = {
        "config": {k: v for k, v in vars(opts).items() if k != "admin_password"},
        "joined": len(scenario.participants),
        "server_pids": server_pids,
        "machine": _machine(),
        "join_burst": {
            "phones": opts.participants,
            "joined": burst.joined,
            "seconds": round(window, 3),
            "rate_per_s": burst.joined / window,
            "throttled_429": burst.throttled,
            "refused": burst.refused,
            "all_201": burst.joined == opts.participants and not burst.throttled,
            "p50_ms": percentile(join_latencies, 50) * 1000,
            "p99_ms": percentile(join_latencies, 99) * 1000,
            "in_flight": opts.join_concurrency,
        },
        "throughput": throughput,
        "endpoints": recorder.summary((throughput or {}).get("ceiling", {}).get("rps")),
        "answers": answers,
        "freshness_phones": {},
        "freshness_screen": {},
        "cpu": cpu,
        "problems": scenario.problems,
        "timeline": {
            label: recorder.timeline(label, scenario.t0)
            for label in recorder.series
            if label == POLL_LABEL or label.startswith(ANSWER_LABEL)
        },
        "events": [
            {"t": round(at - scenario.t0, 3), "event": what} for at, what in sorted(scenario.events)
        ],
    }
    for running in scenario.activities:
        delays, missed = vote_to_screen(running.acks, running.screen)
        result["freshness_screen"][running.spec.type] = {
            **latency_summary(delays),
            "never_shown": missed,
        }
        delays, missed = freshness_for_phones(running.acks, running.phones)
        result["freshness_phones"][running.spec.type] = {
            **latency_summary(delays),
            "never_shown": missed,
            "observers": len(running.phones),
        }
    result["targets"] = check_targets(result)
    return result


def _machine() -> JSON:
    """What else the machine was doing (a shared machine: note it with the numbers)."""
    out: JSON = {"cores": os.cpu_count()}
    with contextlib.suppress(OSError):
        out["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    return out


async def _flat_out(args: argparse.Namespace, scenario: Scenario, meter: CpuMeter) -> JSON:
    """The unchanged shared-document poll flat out, then the bare ASGI ceiling, same client
    and the same requests (each with the shared document's current ETag: 304s)."""
    phone = scenario.participants[0]
    await phone.poll(scenario.pool, scenario.rec, scenario.count, " (flat out, setup)")
    if phone.personal is None:
        raise RuntimeError("no shared document to poll")
    head = f"GET {phone.personal.path} HTTP/1.1\r\nHost: {scenario.hostname}\r\n"
    requests = [await _current_request(scenario, head)]
    conns, seconds = args.saturation_connections, args.saturation_seconds
    opts = scenario.opts
    meter.start()
    server = await closed_loop(opts.host, opts.port, requests, connections=conns, seconds=seconds)
    server_cpu = meter.stop().as_dict()
    by_wrk: JSON | None = None
    use_wrk = args.wrk_connections > 0 and shutil.which("wrk") is not None
    tag = {"If-None-Match": (requests[0].split(b"If-None-Match: ")[1].split(b"\r\n")[0]).decode()}
    wrk_conns = args.wrk_connections
    if use_wrk:
        url = f"http://{scenario.hostname}{phone.personal.path}"
        by_wrk = {"connections": wrk_conns, "shared_304_rps": None, "ceiling_rps": None}
        try:
            by_wrk["shared_304_rps"] = await wrk(url, tag, connections=wrk_conns, seconds=seconds)
        except RuntimeError as exc:
            scenario.problems.append(f"wrk against the server: {exc}")
    async with CeilingServer(cpus=args.ceiling_cpus) as ceiling_app:
        ceiling_meter = CpuMeter([ceiling_app.pid])
        ceiling_meter.start()
        ceiling = await closed_loop(
            "127.0.0.1", ceiling_app.port, requests, connections=conns, seconds=seconds
        )
        ceiling_cpu = ceiling_meter.stop().as_dict()
        if by_wrk is not None:
            url = f"http://127.0.0.1:{ceiling_app.port}{phone.personal.path}"
            try:
                by_wrk["ceiling_rps"] = await wrk(url, tag, connections=wrk_conns, seconds=seconds)
            except RuntimeError as exc:
                scenario.problems.append(f"wrk against the ceiling: {exc}")
    if by_wrk is not None:
        both = by_wrk["shared_304_rps"], by_wrk["ceiling_rps"]
        by_wrk["ratio"] = both[0] / both[1] if both[0] and both[1] else None
    return {
        "connections": conns,
        "seconds": seconds,
        "ceiling": {**ceiling.as_dict(), "cpu": ceiling_cpu},
        "shared_304": {**server.as_dict(), "cpu": server_cpu},
        "ratio": server.rps / ceiling.rps if ceiling.rps else None,
        "wrk": by_wrk,
    }


async def _current_request(scenario: Scenario, head: str) -> bytes:
    """The poll with the ETag that is current now, so the server can answer 304. The
    server may still show an older snapshot for a moment after the last change (its live
    tick), so ask until the ETag sent is answered with 304 (at most 10 s)."""
    etag = ""
    deadline = time.monotonic() + 10
    while True:
        request = (head + f"If-None-Match: {etag}\r\n\r\n").encode()
        reply = await scenario.pool.request(request, retry=True)
        if reply.status == 304 or time.monotonic() > deadline:
            return request
        await asyncio.sleep(0.05)
        etag = reply.header("etag") or etag


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(coro)
    return uvloop.run(coro)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``caja-server bench``. Exit status: 0 when the run completed and
    every accepted answer was stored exactly once, 1 otherwise (targets are reported, not
    enforced)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    opts = _options(args, parser)
    console = Console(width=None if sys.stdout.isatty() else 140)
    try:
        result = _run(run_bench(args, opts, console))
    except BenchError as exc:
        print(f"caja-server bench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    render(result, console)
    if args.json:
        document = json.dumps(result, indent=2, default=str)
        if args.json == "-":
            sys.stdout.write(document + "\n")
        else:
            Path(args.json).write_text(document + "\n", encoding="utf-8")
    exact = all(a["exactly_once"] for a in result["answers"])
    return 0 if exact else 1
