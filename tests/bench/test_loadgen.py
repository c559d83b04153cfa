"""The load generator's parts against real sockets: the HTTP client, the ceiling app, the
closed-loop measurement, and the statistics behind the report."""

from __future__ import annotations

import asyncio
import gc
import math
import shutil
from collections.abc import Awaitable, Callable

import pytest

from caja_server.bench.client import HttpError, Pool, build_request
from caja_server.bench.cpu import CpuMeter, CpuShares, listening_pids, process_cpu_seconds
from caja_server.bench.report import slowest_seconds
from caja_server.bench.runner import load_generator_gc_off
from caja_server.bench.saturate import CeilingServer, closed_loop, parse_wrk, wrk
from caja_server.bench.stats import Recorder, freshness_for_phones, percentile, vote_to_screen
from caja_server.bench.targets import check_targets

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _serve(handler: Handler) -> tuple[asyncio.Server, int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, port


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + (await reader.readexactly(length) if length else b"")


def test_client_reads_split_chunked_and_sized_bodies_on_one_connection() -> None:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # 1: a sized body sent in two pieces; 2: a chunked body; 3: a 304 without body.
        seen.append(await _read_request(reader))
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: W/"7"\r\n\r\nhello')
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.write(b" world")
        seen.append(await _read_request(reader))
        writer.write(b'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n')
        await writer.drain()
        writer.write(b'3\r\n":1\r\n1\r\n}\r\n0\r\n\r\n')
        seen.append(await _read_request(reader))
        writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: W/"7"\r\n\r\n')
        await writer.drain()
        await reader.read()

    async def main() -> None:
        server, port = await _serve(handler)
        pool = Pool("127.0.0.1", port, size=1, timeout=5)
        first = await pool.request(build_request("GET", "/a", "h"))
        second = await pool.request(build_request("POST", "/b", "h", body={"x": 1}))
        third = await pool.request(build_request("GET", "/c", "h", headers={"If-None-Match": "1"}))
        pool.close()
        server.close()
        assert (first.status, first.body, first.header("etag")) == (200, b"hello world", 'W/"7"')
        assert (second.status, second.json()) == (201, {"a": 1})
        assert (third.status, third.body) == (304, b"")
        assert pool.connects == 1  # all three on one keep-alive connection

    asyncio.run(main())
    assert seen[1].endswith(b'\r\n\r\n{"x":1}')
    assert b"Content-Length: 7" in seen[1]
    assert b"If-None-Match: 1" in seen[2]


def test_client_times_out_and_reports_refused_connections() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async def main() -> None:
        server, port = await _serve(silent)
        pool = Pool("127.0.0.1", port, size=2, timeout=0.2)
        with pytest.raises(HttpError, match="timed out"):
            await pool.request(build_request("GET", "/", "h"))
        server.close()
        await server.wait_closed()
        refused = Pool("127.0.0.1", port, size=1, timeout=1)
        with pytest.raises(HttpError, match="can't connect"):
            await refused.request(build_request("GET", "/", "h"))

    asyncio.run(main())


def test_pool_never_opens_more_connections_than_its_size() -> None:
    active = 0
    most = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal active, most
        active += 1
        most = max(most, active)
        try:
            while True:
                await _read_request(reader)
                await asyncio.sleep(0.005)
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            active -= 1

    async def main() -> None:
        server, port = await _serve(handler)
        pool = Pool("127.0.0.1", port, size=3, timeout=5)
        raw = build_request("GET", "/", "h")
        responses = await asyncio.gather(*(pool.request(raw) for _ in range(60)))
        pool.close()
        server.close()
        assert [r.status for r in responses] == [204] * 60
        assert pool.connects == 3

    asyncio.run(main())
    assert most == 3


@pytest.mark.slow
def test_closed_loop_against_the_ceiling_app_gets_only_304s() -> None:
    async def main() -> None:
        async with CeilingServer() as ceiling:
            raw = build_request("GET", "/api/sessions/x/state", "h", headers={"If-None-Match": "1"})
            result = await closed_loop("127.0.0.1", ceiling.port, [raw], connections=4, seconds=0.5)
        assert result.requests > 100
        assert result.statuses == {304: result.requests}
        assert result.errors == 0
        assert 0 < result.cpu_share <= 1.5
        assert ceiling.process is not None and ceiling.process.poll() is not None  # stopped

    asyncio.run(main())


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([3.0], 99) == 3
    assert math.isnan(percentile([], 50))


def test_recorder_counts_errors_and_rates_over_its_window() -> None:
    rec = Recorder()
    rec.ok("GET x", 0.0, 0.010, 304)
    rec.ok("GET x", 1.0, 1.020, 500)
    rec.failed("GET x", 2.0, 2.5, "timed out")
    summary = rec.summary(ceiling_rps=10.0)["GET x"]
    assert summary["requests"] == 3
    assert summary["errors"] == 2
    assert summary["error_kinds"] == {"HTTP 500": 1, "timed out": 1}
    assert summary["rps"] == pytest.approx(3 / 2.5)
    assert summary["ceiling_ratio"] == pytest.approx(0.12)
    assert summary["p50_ms"] == pytest.approx(20)


def test_the_load_generator_measures_without_the_cyclic_collector() -> None:
    assert gc.isenabled()
    with load_generator_gc_off():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that had it off keeps it off
        with load_generator_gc_off():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_timeline_buckets_latencies_by_when_they_were_due() -> None:
    rec = Recorder()
    t0 = 100.0
    rec.ok("GET x", t0 + 0.1, t0 + 0.11, 304)  # second 0: 10 ms
    rec.ok("GET x", t0 + 0.9, t0 + 1.4, 200)  # due in second 0, answered in 1: 500 ms
    rec.ok("GET x", t0 + 2.5, t0 + 2.502, 304)  # second 2: 2 ms (second 1 has none)
    rec.failed("GET x", t0 - 0.5, t0 + 0.5, "timed out")  # before t0: second -1
    timeline = rec.timeline("GET x", t0)
    assert [(s["t"], s["count"]) for s in timeline] == [(-1, 1), (0, 2), (2, 1)]
    assert timeline[1]["max_ms"] == pytest.approx(500)
    assert timeline[2]["p99_ms"] == pytest.approx(2)
    assert rec.timeline("nothing", t0) == []


def test_slowest_seconds_name_what_the_session_was_doing() -> None:
    result = {
        "timeline": {
            "phone poll": [
                {"t": 0.0, "count": 5, "p50_ms": 1.0, "p99_ms": 3.0, "max_ms": 3.0},
                {"t": 4.0, "count": 5, "p50_ms": 9.0, "p99_ms": 90.0, "max_ms": 95.0},
                {"t": 7.0, "count": 5, "p50_ms": 2.0, "p99_ms": 40.0, "max_ms": 41.0},
            ],
            "POST answer (poll)": [
                {"t": 4.0, "count": 2, "p50_ms": 50.0, "p99_ms": 120.0, "max_ms": 120.0}
            ],
        },
        "events": [
            {"t": 0.1, "event": "poll activated"},
            {"t": 2.0, "event": "poll answers begin"},
            {"t": 6.5, "event": "poll answers end"},
        ],
    }
    rows = slowest_seconds(result, count=2)
    assert [(r["t"], r["after"], r["answer_p99_ms"]) for r in rows] == [
        (4.0, "poll answers begin", 120.0),
        (7.0, "poll answers end", None),
    ]
    assert slowest_seconds({"timeline": {}}) == []


def test_vote_to_screen_needs_a_later_request_and_a_big_enough_count() -> None:
    acks = [1.0, 1.1, 5.0]
    screen = [
        (0.9, 1.2, 2),  # sent before the first ack: does not count
        (1.5, 1.6, 1),  # shows one answer: enough for the first only
        (2.0, 2.1, 2),
        (6.0, 6.3, 2),  # after the third ack but still counts 2
    ]
    delays, missed = vote_to_screen(acks, screen)
    assert delays == pytest.approx([0.6, 1.0])
    assert missed == 1


def test_freshness_pools_every_observer_phone() -> None:
    acks = [1.0, 2.0]
    phones = {
        0: [(1.5, 1.6, 1), (2.5, 2.6, 2)],  # sees each half a second later
        7: [(0.5, 0.6, 0), (3.9, 4.0, 1), (5.9, 6.0, 2)],  # the second only at 6.0
        9: [(1.2, 1.3, 1)],  # never polls after the second
    }
    delays, missed = freshness_for_phones(acks, phones)
    assert sorted(delays) == pytest.approx([0.3, 0.6, 0.6, 3.0, 4.0])
    assert missed == 1


def _result(**over: object) -> dict[str, object]:
    result: dict[str, object] = {
        "config": {"poll_interval": 2.0, "screen_interval": 1.0},
        "endpoints": {
            "phone poll": {"p99_ms": 40.0, "errors": 0},
            "POST answer (poll)": {"p99_ms": 120.0},
            "POST answer (quiz)": {"p99_ms": 300.0},
        },
        "answers": [
            {"type": "poll", "exactly_once": True},
            {"type": "quiz", "exactly_once": False},
        ],
        "freshness_phones": {"poll": {"p95_ms": 2100.0}, "quiz": {"p95_ms": 2300.0}},
        "freshness_screen": {"poll": {"p95_ms": 900.0}},
        "join_burst": {"all_201": True, "p99_ms": 400.0, "rate_per_s": 150.0},
        "throughput": {"ratio": 0.6},
        "cpu": {"live": {"server": None}},
    }
    result.update(over)
    return result


def test_targets_pass_and_fail_per_activity_with_limits_from_the_run() -> None:
    verdicts = {t["target"]: t["met"] for t in check_targets(_result())}
    assert verdicts["phone polls p99 (scheduled to done, every request of the poll)"]
    assert verdicts["answers p99 (poll)"] and not verdicts["answers p99 (quiz)"]
    assert not verdicts["every accepted answer stored exactly once (quiz)"]
    assert verdicts["phones see others' answers, p95 (poll interval + 200 ms) (poll)"]
    assert not verdicts["phones see others' answers, p95 (poll interval + 200 ms) (quiz)"]
    assert not verdicts["join burst: 10,000 within 60 s"]  # 150/s: 67 s for 10,000
    # No server CPU measured is a failure, not a pass.
    assert not verdicts["server CPU during the live part (of one core)"]
    # A longer poll interval moves the freshness bound with it.
    slower = _result(config={"poll_interval": 3.0, "screen_interval": 1.0})
    verdicts = {t["target"]: t["met"] for t in check_targets(slower)}
    assert verdicts["phones see others' answers, p95 (poll interval + 200 ms) (quiz)"]
    # A target with nothing measured is listed, and failed.
    missing = check_targets(_result(freshness_screen={}))
    names = [t["target"] for t in missing if t["target"].startswith("big screen")]
    assert names == ["big screen sees answers, p95 (screen interval + 200 ms)"]
    assert not next(t for t in missing if t["target"] == names[0])["met"]


def test_cpu_meter_sees_the_server_found_by_its_port_and_the_load_generator() -> None:
    async def main() -> CpuShares:
        async with CeilingServer() as ceiling:
            assert listening_pids(ceiling.port) == [ceiling.pid]
            meter = CpuMeter(listening_pids(ceiling.port))
            meter.start()
            request = build_request("GET", "/", "h")
            await closed_loop("127.0.0.1", ceiling.port, [request], connections=2, seconds=0.5)
            return meter.stop()

    shares = asyncio.run(main())
    # Both sides did work for half a second: neither share is zero, nor above the machine.
    assert shares.server is not None and 0.02 < shares.server <= shares.cores
    assert 0.02 < shares.load_generator <= shares.cores
    assert shares.machine is not None and shares.machine >= shares.load_generator
    assert process_cpu_seconds(2**22 + 12345) is None  # no such process


def test_wrk_report_is_parsed_and_measures_the_ceiling() -> None:
    assert parse_wrk("  Latency 1ms\nRequests/sec:  12345.67\nTransfer/sec: 1MB\n") == 12345.67
    assert parse_wrk("unable to connect") is None
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")

    async def main() -> float:
        async with CeilingServer() as ceiling:
            url = f"http://127.0.0.1:{ceiling.port}/x"
            return await wrk(url, {"If-None-Match": '"1"'}, connections=4, seconds=1)

    assert asyncio.run(main()) > 0
