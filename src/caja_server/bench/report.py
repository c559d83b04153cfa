"""The end of a benchmark run: the targets checked, the summary table, the JSON."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from caja_server.bench.scenario import ANSWER_LABEL, POLL_LABEL

JSON = dict[str, Any]


def check_targets(result: JSON) -> list[JSON]:
    """The issue's targets, each with the measured value and whether it was met.

    The targets are set for 10,000 participants; at other sizes they are still computed
    (they are what the run shows), and ``participants`` says at which size.
    """
    out: list[JSON] = []
    ratio = (result.get("throughput") or {}).get("ratio")
    if ratio is not None:
        out.append(_target("304 poll throughput >= 50% of the bare-ASGI ceiling", ratio, 0.5, ">="))
    poll = result["endpoints"].get(POLL_LABEL)
    if poll:
        out.append(_target("participant polls p99 < 100 ms", poll["p99_ms"], 100, "<"))
        out.append(_target("participant polls: no errors", poll["errors"], 0, "=="))
    exact = all(
        a["stored"] == a["accepted"] == a["exported_unique"] == a["exported_rows"]
        for a in result["answers"]
    )
    out.append(
        {
            "target": "every accepted answer stored exactly once",
            "value": exact,
            "met": exact,
        }
    )
    for label, summary in result["endpoints"].items():
        if label.startswith(ANSWER_LABEL):
            out.append(_target(f"{label} p99 < 250 ms", summary["p99_ms"], 250, "<"))
    bound = (result["config"]["screen_interval"] + 0.2) * 1000
    for kind, v2s in result["vote_to_screen"].items():
        out.append(
            _target(f"vote-to-screen ({kind}) p95 <= {bound:.0f} ms", v2s["p95_ms"], bound, "<=")
        )
    return out


def _target(name: str, value: float, limit: float, op: str) -> JSON:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        met = False
    elif op == ">=":
        met = value >= limit
    elif op == "<":
        met = value < limit
    elif op == "<=":
        met = value <= limit
    else:
        met = value == limit
    return {"target": name, "value": value, "limit": limit, "met": met}


def _ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def render(result: JSON, console: Console) -> None:
    """Print the summary tables."""
    cfg = result["config"]
    tp = result.get("throughput") or {}
    ceiling = (tp.get("ceiling") or {}).get("rps")
    table = Table(
        title=f"caja-server bench: {cfg['participants']} participants, {cfg['duration']:g} s, "
        f"polls every {cfg['poll_interval']:g} s",
        title_justify="left",
    )
    for column in (
        "endpoint",
        "requests",
        "req/s",
        "% ceiling",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "errors",
    ):
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    for label, s in result["endpoints"].items():
        share = f"{100 * s['ceiling_ratio']:.1f}" if s.get("ceiling_ratio") is not None else "-"
        table.add_row(
            label,
            str(s["requests"]),
            f"{s['rps']:.0f}",
            share,
            _ms(s["p50_ms"]),
            _ms(s["p95_ms"]),
            _ms(s["p99_ms"]),
            _ms(s["max_ms"]),
            str(s["errors"]) if not s["errors"] else f"{s['errors']} {s['error_kinds']}",
        )
    console.print(table)

    answers = Table(title="Answers: accepted vs stored", title_justify="left")
    for column in ("activity", "accepted", "stored", "exported", "unique", "rejected", "ok"):
        answers.add_column(column, justify="left" if column == "activity" else "right")
    for a in result["answers"]:
        ok = a["accepted"] == a["stored"] == a["exported_unique"] == a["exported_rows"]
        answers.add_row(
            a["type"],
            str(a["accepted"]),
            str(a["stored"]),
            str(a["exported_rows"]),
            str(a["exported_unique"]),
            str(a["rejected"]),
            "yes" if ok else "NO",
        )
    console.print(answers)

    v2s = Table(
        title="Vote-to-screen (answer acknowledged -> on the big screen)", title_justify="left"
    )
    for column in ("activity", "answers", "p50 ms", "p95 ms", "p99 ms", "max ms", "never shown"):
        v2s.add_column(column, justify="left" if column == "activity" else "right")
    for kind, s in result["vote_to_screen"].items():
        v2s.add_row(
            kind,
            str(s["count"]),
            _ms(s["p50_ms"]),
            _ms(s["p95_ms"]),
            _ms(s["p99_ms"]),
            _ms(s["max_ms"]),
            str(s["never_shown"]),
        )
    console.print(v2s)

    if tp:
        server = tp.get("state_304") or {}
        console.print(
            f"Flat out ({tp['connections']} connections, {tp['seconds']:g} s each): "
            f"bare ASGI ceiling {ceiling or 0:.0f} req/s, Caja unchanged-state poll "
            f"{server.get('rps', 0):.0f} req/s ({server.get('statuses')}) = "
            f"{100 * (tp.get('ratio') or 0):.1f}% of the ceiling "
            f"(load generator CPU {100 * (server.get('loadgen_cpu_share') or 0):.0f}%)"
        )
    _slowest_seconds(result, console)
    share = 100 * result["loadgen_cpu_share"]
    console.print(f"Load generator CPU during the session: {share:.0f}% of one core")
    for problem in result.get("problems", []):
        console.print(f"[bold red]Problem:[/] {problem}", highlight=False)
    targets = Table(title="Targets", title_justify="left")
    for column in ("target", "measured", "met"):
        targets.add_column(column)
    for t in result["targets"]:
        value = t["value"]
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        targets.add_row(t["target"], shown, "yes" if t["met"] else "NO")
    console.print(targets)


def slowest_seconds(result: JSON, count: int = 5) -> list[JSON]:
    """The seconds of the live part whose participant polls had the highest p99, each with
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
    table = Table(title="Slowest seconds of participant polls", title_justify="left")
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
