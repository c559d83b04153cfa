"""The end of a benchmark run: the summary tables, the CPU shares, the targets."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from caja_server.bench.scenario import ANSWER_LABEL, POLL_LABEL

JSON = dict[str, Any]


def _ms(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    return table


def render(result: JSON, console: Console) -> None:
    """Print the summary tables."""
    cfg = result["config"]
    tp = result.get("throughput") or {}
    table = _table(
        f"caja-server bench: {cfg['participants']} phones, {cfg['duration']:g} s, "
        f"polls every {cfg['poll_interval']:g} s",
        ("endpoint", "requests", "req/s", "% ceiling", "p50 ms", "p95 ms", "p99 ms", "max ms",
         "statuses", "errors"),
    )  # fmt: skip
    for label, s in result["endpoints"].items():
        share = f"{100 * s['ceiling_ratio']:.1f}" if s.get("ceiling_ratio") is not None else "-"
        statuses = " ".join(f"{k}:{v}" for k, v in s["statuses"].items())
        table.add_row(
            label,
            str(s["requests"]),
            f"{s['rps']:.0f}",
            share,
            _ms(s["p50_ms"]),
            _ms(s["p95_ms"]),
            _ms(s["p99_ms"]),
            _ms(s["max_ms"]),
            statuses,
            str(s["errors"]) if not s["errors"] else f"{s['errors']} {s['error_kinds']}",
        )
    console.print(table)

    jb = result["join_burst"]
    console.print(
        f"Join burst: {jb['joined']:,} of {jb['phones']:,} joined in {jb['seconds']:.1f} s "
        f"({jb['rate_per_s']:.0f}/s, {jb['in_flight']} in flight), p50 {_ms(jb['p50_ms'])} ms, "
        f"p99 {_ms(jb['p99_ms'])} ms; 429s {jb['throttled_429']}, refused {jb['refused']}"
    )

    answers = _table(
        "Answers: accepted vs stored",
        ("activity", "accepted", "results", "exported", "unique", "database rows",
         "database unique", "rejected", "exactly once"),
    )  # fmt: skip
    for a in result["answers"]:
        answers.add_row(
            a["type"],
            str(a["accepted"]),
            str(a["stored"]),
            str(a["exported_rows"]),
            str(a["exported_unique"]),
            str(a.get("database_rows", "-")),
            str(a.get("database_unique", "-")),
            str(a["rejected"]),
            "yes" if a["exactly_once"] else "NO",
        )
    console.print(answers)

    fresh = _table(
        "Freshness: answer acknowledged -> shown",
        ("activity", "to", "pairs", "p50 ms", "p95 ms", "p99 ms", "max ms", "never shown"),
    )
    for who, key in (("phones", "freshness_phones"), ("big screen", "freshness_screen")):
        for kind, f in (result.get(key) or {}).items():
            to = f"{who} ({f['observers']} timed)" if "observers" in f else who
            fresh.add_row(
                kind,
                to,
                str(f["count"]),
                _ms(f["p50_ms"]),
                _ms(f["p95_ms"]),
                _ms(f["p99_ms"]),
                _ms(f["max_ms"]),
                str(f["never_shown"]),
            )
    console.print(fresh)

    cpu = _table(
        "CPU (CPU seconds per second; 100 % = one core)",
        ("phase", "seconds", "server", "load generator", "others", "machine"),
    )
    phases = dict(result.get("cpu") or {})
    if tp:
        phases["flat out: Caja 304"] = (tp.get("shared_304") or {}).get("cpu") or {}
        phases["flat out: ceiling"] = (tp.get("ceiling") or {}).get("cpu") or {}
    for phase, c in phases.items():
        cpu.add_row(
            phase.replace("_", " "),
            f"{c.get('wall_s', 0):.1f}",
            _pct(c.get("server")),
            _pct(c.get("load_generator")),
            _pct(c.get("others")),
            f"{_pct(c.get('machine'))} of {c.get('cores', '?')} cores",
        )
    console.print(cpu)
    if not result.get("server_pids"):
        console.print("Server CPU unknown: give --server-pid (its port's owner was not found)")
    machine = result.get("machine") or {}
    if machine.get("loadavg"):
        console.print(f"Machine load average at the end: {' '.join(machine['loadavg'])}")

    if tp:
        server = tp.get("shared_304") or {}
        ceiling = (tp.get("ceiling") or {}).get("rps") or 0
        console.print(
            f"Flat out ({tp['connections']} connections, {tp['seconds']:g} s each): "
            f"bare ASGI ceiling {ceiling:.0f} req/s, Caja's unchanged shared document "
            f"{server.get('rps', 0):.0f} req/s ({server.get('statuses')}) = "
            f"{100 * (tp.get('ratio') or 0):.1f}% of the ceiling"
        )
        by_wrk = tp.get("wrk")
        if by_wrk:
            console.print(
                f"By wrk ({by_wrk['connections']} connections): ceiling "
                f"{by_wrk['ceiling_rps'] or 0:.0f} req/s, Caja {by_wrk['shared_304_rps'] or 0:.0f}"
                f" req/s = {100 * (by_wrk.get('ratio') or 0):.1f}%"
            )
    _slowest_seconds(result, console)
    for problem in result.get("problems", []):
        console.print(f"[bold red]Problem:[/] {problem}", highlight=False)
    targets = _table("Targets", ("target", "measured", "limit", "result"))
    for t in result["targets"]:
        value = t["value"]
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        limit = t["limit"]
        limit_shown = f"{limit:.4g}" if isinstance(limit, float) else str(limit)
        targets.add_row(
            t["target"],
            f"{shown} {t['unit']}".strip(),
            f"{t['op']} {limit_shown} {t['unit']}".strip(),
            "PASS"
            if t["met"]
            else "[bold red]FAIL[/]" + (" (not measured)" if value is None else ""),
        )
    console.print(targets)


def slowest_seconds(result: JSON, count: int = 5) -> list[JSON]:
    """The seconds of the live part whose phone polls had the highest p99, each with
    the answers' p99 in the same second and what the session was doing then (the last
    event before it)."""
    timeline = result.get("timeline") or {}
    polls = timeline.get(POLL_LABEL) or []
    answers: dict[float, float] = {}
    for label, seconds in timeline.items():
        if label.startswith(ANSWER_LABEL):
            for second in seconds:
                answers[second["t"]] = max(answers.get(second["t"], 0.0), second["p99_ms"])
    events = result.get("events") or []
    out = []
    for second in sorted(polls, key=lambda s: s["p99_ms"], reverse=True)[:count]:
        before = [e["event"] for e in events if e["t"] <= second["t"] + 1]
        out.append(
            {
                **second,
                "answer_p99_ms": answers.get(second["t"]),
                "after": before[-1] if before else "the start",
            }
        )
    return out


def _slowest_seconds(result: JSON, console: Console) -> None:
    rows = slowest_seconds(result)
    if not rows:
        return
    table = Table(title="Slowest seconds of phone polls", title_justify="left")
    for column in ("second", "polls", "p50 ms", "p99 ms", "answer p99 ms", "after"):
        table.add_column(column, justify="left" if column == "after" else "right")
    for row in rows:
        answer = row["answer_p99_ms"]
        table.add_row(
            f"{row['t']:.0f}",
            str(row["count"]),
            _ms(row["p50_ms"]),
            _ms(row["p99_ms"]),
            "-" if answer is None else _ms(answer),
            row["after"],
        )
    console.print(table)
