"""CPU shares from ``/proc``: the server's processes, the load generator, the whole machine.

A saturated load generator makes a fast server look slow, and on a shared machine other
people's work does too, so every phase of a run reports the three side by side: CPU seconds
per wall second (1.0 = one core busy) of the server's processes, of this process, and of the
machine (all cores; the rest is other people's, and the database's, work).

Linux only; elsewhere the shares are None.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process (all its threads), None if it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its end.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def children(pid: int) -> list[int]:
    """The process's direct children (every thread's list)."""
    out: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def process_tree(pids: Iterable[int]) -> list[int]:
    """The given processes and all their descendants (``--workers``: the workers)."""
    seen: list[int] = []
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.append(pid)
        todo += children(pid)
    return seen


def listening_pids(port: int) -> list[int]:
    """The processes holding a socket listening on TCP ``port`` (IPv4 or IPv6), found by the
    socket's inode in ``/proc/net/tcp*`` and the processes' file descriptors. Empty when
    none can be seen (another user's processes, not Linux)."""
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            # local address "0100007F:1F90", state 0A = LISTEN
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    if not inodes:
        return []
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in inodes:
                    found.append(int(entry.name))
                    break
            except OSError:
                continue
    return sorted(found)


def machine_busy_seconds() -> tuple[float, float] | None:
    """(busy CPU seconds, all CPU seconds) of the whole machine since boot, every core."""
    try:
        first = (PROC / "stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    values = [int(v) for v in first[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already in user
    return (total - idle) / _TICK, total / _TICK


@dataclass
class CpuShares:
    """CPU seconds per wall second over one phase (1.0 = one core fully busy)."""

    wall_s: float
    server: float | None
    """The server's processes (and their children), None when unknown."""
    load_generator: float
    machine: float | None
    """Every process on the machine, all cores (up to the number of cores)."""
    cores: int

    @property
    def others(self) -> float | None:
        """What the machine did besides the server and the load generator (the database,
        other people's work)."""
        if self.machine is None:
            return None
        return max(self.machine - (self.server or 0.0) - self.load_generator, 0.0)

    def as_dict(self) -> dict[str, float | int | None]:
        """JSON-ready, rounded."""

        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "wall_s": round(self.wall_s, 3),
            "server": r(self.server),
            "load_generator": r(self.load_generator),
            "others": r(self.others),
            "machine": r(self.machine),
            "cores": self.cores,
        }


class CpuMeter:
    """Measures :class:`CpuShares` between :meth:`start` and :meth:`stop`.

    The server's process tree is looked up again at the end, so workers started or
    restarted meanwhile are counted from when they were first seen.
    """

    def __init__(self, server_pids: Iterable[int]) -> None:
        self.server_pids = list(server_pids)
        self._start: tuple[float, float, dict[int, float], tuple[float, float] | None] | None = None

    def _server(self) -> dict[int, float]:
        out = {}
        for pid in process_tree(self.server_pids):
            seconds = process_cpu_seconds(pid)
            if seconds is not None:
                out[pid] = seconds
        return out

    def start(self) -> None:
        """Begin a phase."""
        self._start = (
            time.perf_counter(),
            time.process_time(),
            self._server(),
            machine_busy_seconds(),
        )

    def stop(self) -> CpuShares:
        """End the phase begun by :meth:`start`."""
        assert self._start is not None, "start() first"
        wall0, own0, server0, machine0 = self._start
        wall = max(time.perf_counter() - wall0, 1e-9)
        own = time.process_time() - own0
        server: float | None = None
        if self.server_pids:
            now = self._server()
            server = sum(seconds - server0.get(pid, 0.0) for pid, seconds in now.items()) / wall
        machine = None
        machine1 = machine_busy_seconds()
        if machine0 is not None and machine1 is not None:
            machine = (machine1[0] - machine0[0]) / wall
        return CpuShares(wall, server, own / wall, machine, os.cpu_count() or 1)
