"""Throttling of participant-facing abuse: join-code guessing, floods of answers and
entries, and sessions filled with junk participants.

A room of thousands of phones can share one public address (a school's or a venue's
NAT), so nothing here limits joins per address. What is limited:

- **Wrong join codes per client address** (:class:`JoinGuard`): a token bucket that only
  a wrong code drains. While an address's bucket is empty, every join from it is refused
  with 429, the right code too (otherwise a 429 for a wrong code and a 201 for the right
  one would still tell a guesser which is which). A room typing the right code never
  drains it; the bucket is large enough for a room's typos.
- **Participant writes per participant token** (:class:`ParticipantWriteGuard`): answers,
  entries and votes, a burst and then a sustained rate.
- **Participants per session** (:class:`ParticipantCap`): a cap on the room's size.

The buckets live in each replica's memory, not the database: the hot answer path stays
free of extra queries, and a throttle can never fail a request with a database error.
With N replicas behind a load balancer spreading requests, an actor gets at most N times
the limits; ``docs/deploy.md`` (Security) does the arithmetic with that factor in it.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from caja_core.errors import Conflict, RateLimited
from caja_core.storage.models import Participant, Session
from caja_server.deps import ParticipantToken
from caja_server.settings import Settings

Clock = Callable[[], float]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """Token buckets by key: each holds up to ``capacity`` tokens and refills at ``rate``
    per second; an action takes one. Thread-safe; memory is bounded by forgetting buckets
    that have refilled (a full bucket is the same as none)."""

    def __init__(
        self, capacity: int, rate: float, *, clock: Clock = time.monotonic, max_keys: int = 200_000
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0 and self.rate > 0

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may act again (0: now), without taking a token."""
        if not self.enabled:
            return 0.0
        with self._lock:
            bucket = self._refilled(key, self.clock())
            return 0.0 if bucket is None or bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 when there was one, else the seconds until there
        will be (nothing is taken then)."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            bucket = self._refilled(key, now)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(float(self.capacity), now)
            if bucket.tokens < 1:
                return (1 - bucket.tokens) / self.rate
            bucket.tokens -= 1
            return 0.0

    def reset(self) -> None:
        """Forget every bucket."""
        with self._lock:
            self._buckets.clear()

    def _refilled(self, key: str, now: float) -> _Bucket | None:
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) * self.rate >= self.capacity:
                del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            # Every bucket is draining (a flood of keys): drop the oldest half rather than
            # grow without bound.
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]


def client_key(request: Request) -> str:
    """Who is asking, as far as an address tells: the client's address (behind trusted
    proxies, the one they forwarded: uvicorn's ``--forwarded-allow-ips``), with IPv6
    addresses folded to their /64 (one home or phone gets a whole /64)."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _refuse_while_waiting(wait: float, message: str, *, reason: str) -> None:
    """Raise RateLimited when ``wait`` (seconds) is not 0: ``message`` with ``{seconds}``
    filled in, the machine code ``reason``, and the whole seconds as ``Retry-After``."""
    if wait <= 0:
        return
    seconds = max(1, math.ceil(wait))
    raise RateLimited(
        message.format(seconds=seconds),
        reason=reason,
        params={"retry_after": seconds},
        retry_after=seconds,
    )


class JoinGuard:
    """Wrong join codes per client address (see the module's docstring)."""

    def __init__(self, settings: Settings, *, clock: Clock = time.monotonic) -> None:
        self.bucket = TokenBucket(
            settings.join_wrong_code_burst, settings.join_wrong_code_rate, clock=clock
        )

    def check(self, client: str) -> None:
        """Raise RateLimited while ``client`` has used up its wrong codes."""
        _refuse_while_waiting(
            self.bucket.wait(client),
            "Too many wrong join codes from your network; try again in {seconds} s",
            reason="join_rate_limited",
        )

    def wrong_code(self, client: str) -> None:
        """Count a wrong code from ``client``."""
        self.bucket.take(client)


class ParticipantWriteGuard:
    """Answers, entries and votes per participant token: a burst, then a sustained rate."""

    def __init__(self, settings: Settings, *, clock: Clock = time.monotonic) -> None:
        self.bucket = TokenBucket(
            settings.participant_write_burst, settings.participant_write_rate, clock=clock
        )

    def take(self, token: str) -> None:
        """Count one write by ``token``; raise RateLimited when it comes too fast."""
        _refuse_while_waiting(
            self.bucket.take(token),
            "Too many answers too fast; try again in {seconds} s",
            reason="answer_rate_limited",
        )


class PasswordGuard:
    """Wrong current passwords per admin account on ``POST /api/auth/password``: someone
    holding a stolen login token must not get to guess the password behind it at will
    (the password would outlive the token). :data:`PASSWORD_BURST` wrong ones, then one
    every :data:`PASSWORD_INTERVAL` seconds; the right one never counts."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self.bucket = TokenBucket(PASSWORD_BURST, 1 / PASSWORD_INTERVAL, clock=clock)

    def check(self, admin_id: uuid.UUID) -> None:
        """Raise RateLimited while the account has used up its wrong passwords."""
        _refuse_while_waiting(
            self.bucket.wait(str(admin_id)),
            "Too many wrong passwords; try again in {seconds} s",
            reason="login_rate_limited",
        )

    def wrong(self, admin_id: uuid.UUID) -> None:
        """Count a wrong current password for the account."""
        self.bucket.take(str(admin_id))


PASSWORD_BURST = 5
"""Wrong current passwords an account may be sent before each next try must wait."""
PASSWORD_INTERVAL = 60.0
"""Seconds between two tries after that."""


@dataclass
class _Count:
    count: int
    fetched: float


class ParticipantCap:
    """At most ``session_max_participants`` per session. The count comes from the database
    at most every ``refresh`` seconds per session and replica, plus this replica's own
    joins since: one cheap read per second under a burst instead of a count per join.
    Other replicas' joins of the last second can overshoot the cap by that much."""

    def __init__(
        self, settings: Settings, *, clock: Clock = time.monotonic, refresh: float = 1.0
    ) -> None:
        self.cap = settings.session_max_participants
        self.clock = clock
        self.refresh = refresh
        self._counts: dict[uuid.UUID, _Count] = {}
        self._lock = threading.Lock()

    def admit(self, db: DB, session: Session) -> None:
        """Raise Conflict when ``session`` is full; else count one more participant."""
        if self.cap <= 0:
            return
        now = self.clock()
        with self._lock:
            known = self._counts.get(session.id)
        if known is None or now - known.fetched >= self.refresh:
            count = db.scalar(
                select(func.count())
                .select_from(Participant)
                .where(Participant.session_id == session.id)
            )
            known = _Count(int(count or 0), now)
            with self._lock:
                if len(self._counts) > 10_000:
                    self._counts.clear()
                self._counts[session.id] = known
        with self._lock:
            if known.count >= self.cap:
                raise Conflict(
                    f"This session is full ({self.cap} participants); ask the presenter",
                    reason="session_full",
                    params={"max": self.cap},
                )
            known.count += 1


@dataclass
class Throttles:
    """The app's throttles (``app.state.throttles``)."""

    joins: JoinGuard
    writes: ParticipantWriteGuard
    cap: ParticipantCap
    passwords: PasswordGuard

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock = time.monotonic) -> Throttles:
        return cls(
            JoinGuard(settings, clock=clock),
            ParticipantWriteGuard(settings, clock=clock),
            ParticipantCap(settings, clock=clock),
            PasswordGuard(clock=clock),
        )


async def participant_write_limit(request: Request, token: ParticipantToken) -> None:
    """Route dependency: count this participant write against its token's budget (401
    and 403 for a missing or an admin token come first, from ``ParticipantToken``). Async:
    the answer route's hot path takes no extra thread hop for it."""
    throttles: Throttles = request.app.state.throttles
    throttles.writes.take(token)
