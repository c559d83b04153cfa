"""Latency and outcome records per endpoint, and their summaries."""

from __future__ import annotations

import collections
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_values: list[float] | array[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0-100) of already sorted values; NaN if empty."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def latency_summary(values: Iterable[float]) -> dict[str, float | int]:
    """count, p50, p95, p99 and max of latencies given in seconds, reported in ms."""
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50_ms": percentile(ordered, 50) * 1000,
        "p95_ms": percentile(ordered, 95) * 1000,
        "p99_ms": percentile(ordered, 99) * 1000,
        "max_ms": (ordered[-1] * 1000) if ordered else math.nan,
    }


@dataclass
class Series:
    """Everything recorded for one endpoint label."""

    latencies: array[float] = field(default_factory=lambda: array("d"))
    scheduled: array[float] = field(default_factory=lambda: array("d"))
    """When each request was due (``time.perf_counter()``), in the order of ``latencies``."""
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    first: float = math.inf
    last: float = -math.inf

    @property
    def error_count(self) -> int:
        """Transport failures plus 5xx answers plus unexpected 4xx answers."""
        return sum(self.errors.values())


class Recorder:
    """Collects per-endpoint latencies (from the *scheduled* time), statuses and errors.

    A status is an error unless it is in the label's ``expected`` set (default: 2xx/304).
    """

    def __init__(self) -> None:
        self.series: dict[str, Series] = collections.defaultdict(Series)

    def ok(
        self, label: str, scheduled: float, done: float, status: int, expected: tuple[int, ...] = ()
    ) -> None:
        """Record a response (an HTTP answer of any status; >= 400 is an error unless it is
        ``expected``)."""
        s = self.series[label]
        s.latencies.append(done - scheduled)
        s.scheduled.append(scheduled)
        s.statuses[status] += 1
        if status >= 400 and status not in expected:
            s.errors[f"HTTP {status}"] += 1
        s.first = min(s.first, scheduled)
        s.last = max(s.last, done)

    def failed(self, label: str, scheduled: float, done: float, reason: str) -> None:
        """Record a request that got no HTTP answer (refused, reset, timed out)."""
        s = self.series[label]
        s.latencies.append(done - scheduled)
        s.scheduled.append(scheduled)
        s.errors[reason] += 1
        s.first = min(s.first, scheduled)
        s.last = max(s.last, done)

    def total_requests(self) -> int:
        """Requests recorded so far, every label."""
        return sum(len(s.latencies) for s in self.series.values())

    def total_errors(self) -> int:
        """Errors recorded so far, every label."""
        return sum(s.error_count for s in self.series.values())

    def summary(self, ceiling_rps: float | None = None) -> dict[str, dict[str, Any]]:
        """Per label: requests, requests/s over the label's active window, share of the
        ceiling, latency percentiles, statuses and errors."""
        out: dict[str, dict[str, Any]] = {}
        for label in sorted(self.series, key=_label_order):
            s = self.series[label]
            window = max(s.last - s.first, 1e-9)
            rps = len(s.latencies) / window
            out[label] = {
                "requests": len(s.latencies),
                "window_s": round(window, 3),
                "rps": rps,
                "ceiling_ratio": (rps / ceiling_rps) if ceiling_rps else None,
                **latency_summary(s.latencies),
                "statuses": {str(k): v for k, v in sorted(s.statuses.items())},
                "errors": s.error_count,
                "error_kinds": dict(s.errors.most_common(5)),
            }
        return out

    def timeline(self, label: str, t0: float, step: float = 1.0) -> list[dict[str, Any]]:
        """A label's latencies second by second (by when each request was due, from
        ``t0``): where in a run the slow requests were. Seconds without requests are left
        out."""
        s = self.series.get(label)
        if s is None:
            return []
        buckets: dict[int, list[float]] = collections.defaultdict(list)
        for due, latency in zip(s.scheduled, s.latencies, strict=True):
            buckets[math.floor((due - t0) / step)].append(latency)
        return [{"t": k * step, **latency_summary(buckets[k])} for k in sorted(buckets)]


_ORDER = (
    "admin",
    "POST /api/join",
    "phone poll",
    "GET me (personal)",
    "GET live (shared)",
    "GET state (big",
)


def _label_order(label: str) -> tuple[int, str]:
    """The table's order: setup, joins, phone polls (then their requests), the big screen,
    then the answers."""
    for rank, prefix in enumerate(_ORDER):
        if label.startswith(prefix):
            return rank, label
    return len(_ORDER), label


def vote_to_screen(
    acks: list[float], screen: list[tuple[float, float, int]]
) -> tuple[list[float], int]:
    """Delay from each answer's acknowledgement to the big screen showing it.

    ``acks`` are acknowledgement times of one activity's accepted answers; ``screen`` holds
    the big screen's observations of that activity as ``(request sent, response received,
    answers counted)``. The answer acknowledged k-th counts as shown by the first response
    whose request left *after* its acknowledgement and whose count is at least k. Both
    conditions are conservative: an answer shown by a request already in flight is not
    credited, and counts can't be matched to answers that are not yet in them.

    Returns the delays (seconds) and how many answers the screen never showed.
    """
    ordered_acks = sorted(acks)
    obs = sorted(screen)
    delays: list[float] = []
    j = 0
    for k, ack in enumerate(ordered_acks, start=1):
        while j < len(obs) and (obs[j][0] < ack or obs[j][2] < k):
            j += 1
        if j == len(obs):
            return delays, len(ordered_acks) - len(delays)
        delays.append(obs[j][1] - ack)
    return delays, 0


def freshness_for_phones(
    acks: list[float], observers: dict[int, list[tuple[float, float, int]]]
) -> tuple[list[float], int]:
    """Delay from each answer's acknowledgement to each observer phone showing it (the
    rule of :func:`vote_to_screen`, per observer, pooled): with phones polling every 2 s
    at staggered moments, what one phone in the room waits to see another's answer.

    Returns the pooled delays and how many (answer, observer) pairs were never shown.
    """
    delays: list[float] = []
    missed = 0
    for observations in observers.values():
        got, never = vote_to_screen(acks, observations)
        delays += got
        missed += never
    return delays, missed
