"""Answers stored in batches: group commit for the burst after "vote now".

A room answers within a few seconds. Stored one per transaction, each answer costs a dozen
statements and a commit, and on SQLite the writers queue for the one write lock. Here every
answer request hands its submission to one writer thread per process and waits, without
holding a worker thread; the writer takes whatever has arrived (up to ``max_batch``) and
stores it with :func:`caja_core.services.responses.submit_answers` in one transaction: a
few queries, one version bump and one commit for the lot. A lone answer is a batch of one
and waits for nothing; under load the batches grow by themselves, because answers arrive
while the previous batch is being written.

The reply is sent only after the commit, so an acknowledged answer is stored. Each answer's
own refusal (409, 422, ...) is its own; a database failure fails the batch, and each of its
requests gets the 503 the app answers for an unreachable database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import structlog
from sqlalchemy.exc import OperationalError

from caja_core.errors import CajaError
from caja_core.plugins import PluginHost
from caja_core.services import participants, responses
from caja_core.services.answer_rules import AnswerRow
from caja_core.storage.db import Database
from caja_core.storage.models import utcnow

log = structlog.get_logger(__name__)

MAX_BATCH = 256
"""Answers stored in one transaction at most."""
SLOW_BATCH_SECONDS = 0.2
"""A batch taking longer than this is logged (``answer_batch_slow``): each of its answers
waited at least that long for its reply."""


class Stored(NamedTuple):
    """What became of one answer: the stored row, whether this call changed it, and who
    answered."""

    row: AnswerRow
    changed: bool
    nickname: str


@dataclass
class _Pending:
    token: str
    session_id: uuid.UUID
    activity_id: uuid.UUID
    data: Any
    received_at: dt.datetime
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Stored] = field(repr=False)


class AnswerWriter:
    """The process's answer writer: one thread, one transaction per batch of answers."""

    def __init__(
        self,
        database: Database,
        host: PluginHost,
        *,
        max_batch: int = MAX_BATCH,
        slow_batch_seconds: float = SLOW_BATCH_SECONDS,
    ):
        self.database = database
        self.host = host
        self.max_batch = max_batch
        self.slow_batch_seconds = slow_batch_seconds
        self.slow_batches = 0
        """Batches that took longer than ``slow_batch_seconds`` (each one is logged)."""
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.received = 0
        """Answers handed to the writer so far."""
        self.batches = 0
        """Transactions written so far (``received / batches`` is the mean batch size)."""

    async def submit(
        self, token: str, session_id: uuid.UUID, activity_id: uuid.UUID, data: Any
    ) -> Stored:
        """Store one participant's answer (authenticated by ``token``); returns the stored
        answer (after the commit) and whether this call changed it, or raises the reason it
        was refused."""
        loop = asyncio.get_running_loop()
        pending = _Pending(
            token, session_id, activity_id, data, utcnow(), loop, loop.create_future()
        )
        self._start()
        self.received += 1
        self._queue.put(pending)
        return await pending.future

    def close(self, timeout: float = 10.0) -> None:
        """Store what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="caja-answers", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        results: list[Stored | BaseException]
        for attempt in range(2):
            try:
                results = self._store(batch)
                break
            except OperationalError as exc:
                if attempt == 0 and _worth_retrying(exc):
                    continue  # a deadlock or serialization failure: once more, from the start
                results = self._failed(batch, exc)
                break
            except Exception as exc:
                results = self._failed(batch, exc)
                break
        self.batches += 1
        for pending, result in zip(batch, results, strict=True):
            try:
                pending.loop.call_soon_threadsafe(_settle, pending.future, result)
            except RuntimeError:  # that request's event loop is gone (a test client closed)
                continue

    def _store(self, batch: list[_Pending]) -> list[Stored | BaseException]:
        results: list[Stored | BaseException] = []
        started = time.perf_counter()
        with self.database.transaction() as db:
            found = participants.answerers_for_tokens(db, [(p.token, p.session_id) for p in batch])
            submissions = [
                responses.AnswerSubmission(
                    participant, p.session_id, p.activity_id, p.data, p.received_at
                )
                for p, participant in zip(batch, found, strict=True)
                if not isinstance(participant, CajaError)
            ]
            outcomes = iter(responses.submit_answers(db, self.host, submissions))
            for participant in found:
                if isinstance(participant, CajaError):
                    results.append(participant)
                    continue
                outcome = next(outcomes)
                if outcome.error is not None:
                    results.append(outcome.error)
                else:
                    assert outcome.response is not None
                    results.append(Stored(outcome.response, outcome.changed, participant.nickname))
            judged = time.perf_counter()
        self._note_duration(len(batch), started, judged, time.perf_counter())
        return results

    def _note_duration(self, answers: int, started: float, judged: float, done: float) -> None:
        """Log a batch slower than ``slow_batch_seconds``: how long its statements took and
        how long its commit (on PostgreSQL, the WAL flush) took."""
        if done - started <= self.slow_batch_seconds:
            return
        self.slow_batches += 1
        log.warning(
            "answer_batch_slow",
            answers=answers,
            ms=round((done - started) * 1000, 1),
            statements_ms=round((judged - started) * 1000, 1),
            commit_ms=round((done - judged) * 1000, 1),
        )

    @staticmethod
    def _failed(batch: list[_Pending], exc: Exception) -> list[Stored | BaseException]:
        """The database failed the batch: every request hears it (a 503)."""
        log.warning("answer_batch_failed", answers=len(batch), error=f"{type(exc).__name__}: {exc}")
        return [exc] * len(batch)


def _worth_retrying(exc: OperationalError) -> bool:
    """A deadlock or serialization failure (PostgreSQL's SQLSTATE 40P01, 40001): the
    transaction was rolled back and may simply be run again."""
    return getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")


def _settle(
    future: asyncio.Future[Stored],
    result: Stored | BaseException,
) -> None:
    if future.done():  # the client went away
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
