"""Build the measured part of docs/performance.md (and the plot) from bench/results/*.json
and the py-spy profiles in bench/profiles/.

Only the text between the ``<!-- matrix:begin -->`` and ``<!-- matrix:end -->`` markers is
replaced, so the hand-written analysis around it stays.
"""

from __future__ import annotations

import collections
import json
import math
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def load_results(results: Path) -> list[dict[str, Any]]:
    """Every cell's result, ordered by database then size."""
    cells = []
    for path in sorted(results.glob("*.json")):
        data = json.loads(path.read_text())
        if "matrix" in data:
            cells.append(data)
    return sorted(
        cells,
        key=lambda c: (
            c["matrix"]["database"],
            c["matrix"]["participants"],
            c["matrix"].get("workers", 1),
        ),
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def _worst(section: dict[str, Any]) -> float | None:
    values = [v["p95_ms"] for v in section.values() if not math.isnan(v["p95_ms"])]
    return max(values, default=None)


HEADER = (
    "| database | phones | measured | poll p50 / p99 ms | answer p99 ms | stored once "
    "| others' answers on phones / screen, p95 ms | join burst /s, p99 ms "
    "| 304 / ceiling | CPU live: server / load generator / others | targets met |\n"
    "|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|"
)


def _row(cell: dict[str, Any]) -> str:
    m, ep = cell["matrix"], cell["endpoints"]
    poll = ep.get("phone poll", {})
    answers = [v for k, v in ep.items() if k.startswith("POST answer")]
    answer_p99 = max((a["p99_ms"] for a in answers), default=None)
    accepted = sum(a["accepted"] for a in cell["answers"])
    exact = all(a["exactly_once"] for a in cell["answers"])
    jb = cell["join_burst"]
    join = f"{_fmt(jb['rate_per_s'])}, {_fmt(jb['p99_ms'])}"
    if not jb["all_201"]:
        join += f" ({jb['joined']:,} joined, {jb['throttled_429']} 429s)"
    ratio = (cell.get("throughput") or {}).get("ratio")
    live = (cell.get("cpu") or {}).get("live") or {}
    met = sum(t["met"] for t in cell["targets"])
    workers = ""
    if "via" not in m["database"] and (m.get("workers", 1) > 1 or not m.get("pinned", True)):
        workers = f", {m.get('workers', 1)} worker(s), unpinned"
    return (
        f"| {m['database']}{workers} | {m['participants']:,} "
        f"| {m.get('when', '-')}, `{m.get('build', '-')}` "
        f"| {_fmt(poll.get('p50_ms'), 1)} / {_fmt(poll.get('p99_ms'), 1)} "
        f"| {_fmt(answer_p99, 1)} | {accepted:,} {'yes' if exact else 'NO'} "
        f"| {_fmt(_worst(cell['freshness_phones']))} / {_fmt(_worst(cell['freshness_screen']))} "
        f"| {join} | {_pct(ratio)} "
        f"| {_pct(live.get('server'))} / {_pct(live.get('load_generator'))} "
        f"/ {_pct(live.get('others'))} | {met} of {len(cell['targets'])} |"
    )


def _profile_summary(path: Path, top: int = 12) -> str:
    """Hottest frames of a py-spy ``raw`` (collapsed stacks) profile."""
    own: collections.Counter[str] = collections.Counter()
    caja: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        own[frames[-1]] += count
        for frame in set(frames):
            if "caja_" in frame or "sqlalchemy" in frame.split("(")[-1][:40]:
                caja[frame] += count
    if not total:
        return "(empty profile)\n"
    lines = [f"{total:,} samples. Own time:\n", "| share | frame |", "|---:|---|"]
    lines += [f"| {100 * n / total:.1f} % | `{f}` |" for f, n in own.most_common(top)]
    lines += ["", "Inclusive time of Caja (and SQLAlchemy) frames:\n", "| share | frame |"]
    lines += ["|---:|---|"]
    lines += [f"| {100 * n / total:.1f} % | `{f}` |" for f, n in caja.most_common(top)]
    return "\n".join(lines) + "\n"


def plot(cells: list[dict[str, Any]], out: Path) -> None:
    """Participant poll latency (p50, p99) vs participants, one line per database."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    by_db: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for cell in cells:
        by_db[cell["matrix"]["database"]].append(cell)
    for n, (db, group) in enumerate(sorted(by_db.items())):
        sizes = [c["matrix"]["participants"] for c in group]
        polls = [c["endpoints"].get("phone poll", {}) for c in group]
        for key, style in (("p50_ms", "--"), ("p99_ms", "-")):
            values = [p.get(key) for p in polls]
            ax.plot(sizes, values, style, marker="o", color=f"C{n}", label=f"{db} {key[:3]}")
    ax.set_xscale("log")
    ax.axhline(100, color="grey", linewidth=0.8, linestyle=":", label="target p99 100 ms")
    ax.set_xlabel("phones (each polls every 2 s)")
    ax.set_ylabel("poll latency, ms (log)")
    ax.set_yscale("log")
    ax.set_title("Caja: phone poll latency vs audience size (2 shared cores)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", linewidth=0.3)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def write_page(results: Path, docs: Path) -> None:
    """Regenerate the measured section of docs/performance.md and docs/performance.png."""
    cells = load_results(results)
    parts = [BEGIN, "", HEADER, *(_row(c) for c in cells), ""]
    if cells:
        plot(cells, docs / "performance.png")
        parts += ["![Poll latency vs participants](performance.png)", ""]
    for profile in sorted((results.parent / "profiles").glob("profile-*.txt")):
        parts += [f"#### Server profile: {profile.stem.removeprefix('profile-')}", ""]
        parts += [_profile_summary(profile)]
    parts.append(END)
    generated = "\n".join(parts)
    page = docs / "performance.md"
    text = page.read_text() if page.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    start, stop = text.find(BEGIN), text.find(END)
    if start < 0 or stop < 0:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
        start, stop = text.find(BEGIN), text.find(END)
    page.write_text(text[:start] + generated + text[stop + len(END) :])
