"""``caja-server bench``: the command line, the run's phases, and the result document."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
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
from caja_server.bench.report import check_targets, render
from caja_server.bench.saturate import CeilingServer, closed_loop
from caja_server.bench.scenario import ANSWER_LABEL, POLL_LABEL, BenchError, Options, Scenario
from caja_server.bench.stats import Recorder, latency_summary, vote_to_screen

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
    p.add_argument("--join-concurrency", type=int, default=32, help="joins in flight (32)")
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
        "--json", metavar="FILE", help="also write the full result as JSON ('-': stdout)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed of the answers (1)")
    return p


def _options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Options:
    url = urlsplit(args.url)
    if url.scheme != "http" or not url.hostname:
        parser.error("--url must look like http://HOST:PORT (plain HTTP)")
    if not args.admin_password:
        parser.error("give --admin-password or set CAJA_ADMIN_PASSWORD")
    for name in ("participants", "connections", "join_concurrency", "saturation_connections"):
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
                f"{opts.participants} participants joining..."
            )
            await scenario.join_all()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            await _with_ticker(progress, scenario, scenario.run())
            cpu_share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        answers = await scenario.readback()
        throughput = None
        if args.saturation_seconds > 0:
            try:
                with load_generator_gc_off():
                    throughput = await _flat_out(args, scenario)
            except (HttpError, RuntimeError) as exc:
                scenario.problems.append(f"flat-out 304 measurement: {exc}")
    finally:
        scenario.close()
    result: JSON = {
        "config": {k: v for k, v in vars(opts).items() if k != "admin_password"},
        "joined": len(scenario.participants),
        "throughput": throughput,
        "endpoints": recorder.summary((throughput or {}).get("ceiling", {}).get("rps")),
        "answers": answers,
        "vote_to_screen": {},
        "loadgen_cpu_share": cpu_share,
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
        result["vote_to_screen"][running.spec.type] = {
            **latency_summary(delays),
            "never_shown": missed,
        }
    result["targets"] = check_targets(result)
    return result


async def _flat_out(args: argparse.Namespace, scenario: Scenario) -> JSON:
    """Caja's unchanged-state poll flat out, then the bare ASGI ceiling, same client."""
    sample = scenario.participants[: max(1, min(200, len(scenario.participants)))]
    sid, hostname = scenario.session_id, scenario.hostname
    heads = [
        f"GET /api/sessions/{sid}/state HTTP/1.1\r\nHost: {hostname}\r\n"
        f"Authorization: Bearer {person.token}\r\n"
        for person in sample
    ]
    requests = await _current_requests(scenario, heads)
    conns, seconds = args.saturation_connections, args.saturation_seconds
    opts = scenario.opts
    server = await closed_loop(opts.host, opts.port, requests, connections=conns, seconds=seconds)
    async with CeilingServer(cpus=args.ceiling_cpus) as ceiling_app:
        ceiling = await closed_loop(
            "127.0.0.1", ceiling_app.port, requests, connections=conns, seconds=seconds
        )
    return {
        "connections": conns,
        "seconds": seconds,
        "ceiling": ceiling.as_dict(),
        "state_304": server.as_dict(),
        "ratio": server.rps / ceiling.rps if ceiling.rps else None,
    }


async def _current_requests(scenario: Scenario, heads: list[str]) -> list[bytes]:
    """Each poll with the ETag that is current now, so the server can answer 304. The
    server may still show an older snapshot for a moment after the last change (its live
    tick), so ask until every ETag is answered with 304 (at most 10 s)."""
    etags = [""] * len(heads)
    deadline = time.monotonic() + 10
    while True:
        requests = [
            (head + f"If-None-Match: {tag}\r\n\r\n").encode()
            for head, tag in zip(heads, etags, strict=True)
        ]
        replies = await asyncio.gather(
            *(scenario.pool.request(request, retry=True) for request in requests)
        )
        if all(r.status == 304 for r in replies) or time.monotonic() > deadline:
            return requests
        await asyncio.sleep(0.05)
        etags = [r.header("etag") or tag for r, tag in zip(replies, etags, strict=True)]


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
    exact = next(t for t in result["targets"] if t["target"].startswith("every accepted"))
    return 0 if exact["met"] else 1
