"""Aggregation of 10,000 answers for each built-in activity type, timed.

    .venv/bin/python bench/aggregation.py [--answers 10000] [--repeat 5] [--database-url URL]
        [--no-database] [--types qna,opentext] [--cpu]

Two measurements per type:

- ``aggregate``: the plugin's pure ``aggregate()`` (and the presenter ``view()``) over
  answers already in memory (for Q&A and open text: items, and the view gets every item as
  the host gives it). This is what the results cache saves once per version.
- ``results from DB``: the presenter's results service on a real database holding the
  answers: load every answer and every participant, aggregate, build the view. This is
  the full cost of one cache miss (default: a temporary SQLite file).

The answers are made by each type's own ``answer_slot``/``validate_answer`` so their shape is
exactly what the server stores. The target is < 50 ms per type (issue 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _setup import warmed_host  # bench/ is on the path

from caja_core.activity import (
    ActionContext,
    AggregateContext,
    AnswerContext,
    StoredAnswer,
    ViewContext,
    stored_json,
)
from caja_core.contexts import StoredItem, bind_answers
from caja_core.plugins import PluginHost
from caja_core.services import activities, admins, sessions
from caja_core.storage.db import Database
from caja_core.storage.models import Admin, Participant, Response

JSON = dict[str, Any]
TARGET_MS = 50.0
NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
WORDS = [f"word{i}" for i in range(300)]

# type -> (config, actions after activation, answer maker, actions after the answers)
CASES: dict[str, tuple[dict[str, Any], list[str], Callable[[random.Random], Any], list[str]]] = {
    "poll": (
        {"question": "Pick one", "options": [{"text": f"Option {i}"} for i in range(6)]},
        [],
        lambda rng: {"choices": [rng.randrange(6)]},
        [],
    ),
    "poker": (
        {"items": [{"title": "Story A"}], "auto_reveal": False},
        [],
        lambda rng: {"card": rng.choice(["1", "2", "3", "5", "8", "13"])},
        ["reveal"],
    ),
    "quiz": (
        {
            "questions": [
                {
                    "kind": "single",
                    "text": "Q1",
                    "options": ["a", "b", "c", "d"],
                    "correct": 1,
                    "time_limit_seconds": 600,
                }
            ]
        },
        ["next"],
        lambda rng: {"question": 0, "choice": rng.randrange(4)},
        ["reveal"],
    ),
    "wordcloud": (
        {"prompt": "One word", "entries_per_participant": 1, "profanity_filter": False},
        [],
        lambda rng: {"text": rng.choice(WORDS)},
        [],
    ),
    "scale": (
        {"question": "How much?", "statements": [f"Statement {i}" for i in range(5)]},
        [],
        lambda rng: {"ratings": {f"s{i}": rng.randint(1, 5) for i in range(5)}},
        [],
    ),
    "ranking": (
        {"question": "Order", "items": [f"Item {i}" for i in range(8)]},
        [],
        lambda rng: {"order": rng.sample([f"i{i}" for i in range(8)], 8)},
        [],
    ),
}

# Types whose participants send items (Q&A questions, open-text answers): type -> (config,
# item maker). Their aggregate reads the items (AggregateContext.items), not answers.
ITEM_CASES: dict[str, tuple[dict[str, Any], Callable[[random.Random, int], JSON]]] = {
    "qna": ({"prompt": "Ask"}, lambda rng, i: {"text": f"Question {i} about {rng.choice(WORDS)}"}),
    "opentext": ({"prompt": "Say"}, lambda rng, i: {"text": f"Answer {i}: {rng.choice(WORDS)}"}),
}


def make_answers(
    host: PluginHost, type_name: str, count: int, rng: random.Random
) -> tuple[Any, dict[str, Any], list[StoredAnswer], dict[uuid.UUID, str]]:
    """Config, runtime state and ``count`` stored answers, as the host would keep them."""
    activity_type = host.get(type_name)
    raw_config, before, answer, after = CASES[type_name]
    config = activity_type.parse_config(raw_config)
    state = activity_type.on_activate(config, activity_type.initial_state(config), NOW)
    for action in before:
        body = activity_type.actions[action]()
        state = (
            activity_type.apply_action(action, body, config, state, ActionContext(NOW, [])).state
            or state
        )
    answers, names = [], {}
    for i in range(count):
        pid = uuid.uuid4()
        names[pid] = f"player{i}"
        when = NOW + dt.timedelta(milliseconds=10 + i)
        parsed = activity_type.parse_answer(answer(rng))
        ctx = AnswerContext(now=when, participant_id=pid)
        slot = activity_type.answer_slot(config, state, parsed, ctx)
        validated, meta = activity_type.validate_answer(config, state, parsed, ctx)
        data = stored_json(validated)
        answers.append(StoredAnswer(pid, names[pid], slot, data, meta, when))
    bind_answers(activity_type, answers)  # as the host does before it calls the type
    for action in after:
        body = activity_type.actions[action]()
        state = (
            activity_type.apply_action(
                action, body, config, state, ActionContext(NOW, answers, names, frozenset(names))
            ).state
            or state
        )
    return config, state, answers, names


CLOCK: Callable[[], float] = time.perf_counter
"""Wall time; ``--cpu`` switches to this process's CPU time (steadier on a shared machine)."""


def time_it(fn: Callable[[], object], repeat: int) -> list[float]:
    """Times (ms) of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        started = CLOCK()
        fn()
        out.append((CLOCK() - started) * 1000)
    return out


def bench_in_memory(host: PluginHost, type_name: str, count: int, repeat: int) -> dict[str, Any]:
    """aggregate() and aggregate()+view() over answers in memory."""
    activity_type = host.get(type_name)
    config, state, answers, names = make_answers(host, type_name, count, random.Random(5))
    ctx = AggregateContext(NOW, names, frozenset(names))
    view_ctx = ViewContext(role="presenter", now=NOW, activity_status="active")
    aggregate_ms = time_it(lambda: activity_type.aggregate(config, state, answers, ctx), repeat)

    def both() -> None:
        results = activity_type.aggregate(config, state, answers, ctx)
        activity_type.view(config, state, results, view_ctx)

    return {"aggregate": aggregate_ms, "aggregate+view": time_it(both, repeat)}


def bench_items(host: PluginHost, type_name: str, count: int, repeat: int) -> dict[str, Any]:
    """aggregate() and aggregate()+view() over ``count`` items in memory, with votes."""
    activity_type = host.get(type_name)
    raw_config, make_item = ITEM_CASES[type_name]
    config = activity_type.parse_config(raw_config)
    state = activity_type.on_activate(config, activity_type.initial_state(config), NOW)
    rng = random.Random(9)
    names = {uuid.uuid4(): f"player{i}" for i in range(count)}
    items = [
        StoredItem(
            id=uuid.uuid4(),
            data=make_item(rng, i),
            status=rng.choice(["visible", "visible", "visible", "pending", "hidden"]),
            anonymous=rng.random() < 0.2,
            author_id=pid,
            nickname=nickname,
            votes=rng.randrange(50),
            created_at=NOW + dt.timedelta(milliseconds=i),
            updated_at=NOW + dt.timedelta(milliseconds=i),
        )
        for i, (pid, nickname) in enumerate(names.items())
    ]
    ctx = AggregateContext(NOW, names, frozenset(names), items=items)
    # The presenter's view gets every item, as the host gives it.
    view_ctx = ViewContext(role="presenter", now=NOW, activity_status="active", items=items)
    aggregate_ms = time_it(lambda: activity_type.aggregate(config, state, [], ctx), repeat)

    def both() -> None:
        results = activity_type.aggregate(config, state, [], ctx)
        activity_type.view(config, state, results, view_ctx)

    return {"aggregate": aggregate_ms, "aggregate+view": time_it(both, repeat)}


def bench_database(
    host: PluginHost, database: Database, type_name: str, count: int, repeat: int
) -> list[float]:
    """The presenter results service (load answers + participants, aggregate, view)."""
    rng = random.Random(7)
    raw_config, before, _, after = CASES[type_name]
    _, _, answers, names = make_answers(host, type_name, count, rng)
    with database.transaction() as db:
        admin = admins.create_admin(db, f"agg-{uuid.uuid4().hex[:8]}", "a-long-password-1")
        session = sessions.create_session(db, admin, f"aggregation {type_name}")
        activity = activities.add_activity(
            db, host, admin, session.id, type=type_name, title=type_name, config=raw_config
        )
        sessions.start_session(db, admin, session.id)
        activities.activate_activity(db, host, admin, session.id, activity.id)
        for action in before:
            activities.run_action(db, host, admin, session.id, activity.id, action, {})
        ids = (admin.id, session.id, activity.id)
    with database.transaction() as db:
        for pid, nickname in names.items():
            db.add(
                Participant(
                    id=pid,
                    session_id=ids[1],
                    nickname=nickname,
                    nickname_key=nickname,
                    token_hash=hashlib.sha256(pid.bytes).hexdigest(),
                )
            )
        db.flush()
        for a in answers:
            db.add(
                Response(
                    activity_id=ids[2],
                    participant_id=a.participant_id,
                    slot=a.slot,
                    data=a.data,
                    meta=a.meta,
                    submitted_at=a.submitted_at,
                )
            )
    with database.transaction() as db:
        admin = _admin_row(db, ids[0])
        for action in after:
            activities.run_action(db, host, admin, ids[1], ids[2], action, {})

    def load_and_aggregate() -> None:
        with database.read() as db:
            admin = _admin_row(db, ids[0])
            result = activities.activity_results(db, host, admin, ids[1], ids[2])
            assert result["answer_count"] == count, result["answer_count"]

    return time_it(load_and_aggregate, repeat)


def _admin_row(db: Any, admin_id: uuid.UUID) -> Admin:
    admin = db.get(Admin, admin_id)
    assert admin is not None
    return admin


def main(argv: list[str] | None = None) -> int:
    """Run and print the table; exit 0 (the numbers are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--no-database", action="store_true", help="in-memory part only")
    parser.add_argument("--types", help="comma-separated type names (default: every type)")
    parser.add_argument(
        "--cpu", action="store_true", help="time this process's CPU, not the wall clock"
    )
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    host = warmed_host()
    tmp = tempfile.TemporaryDirectory()
    database = None
    if not args.no_database:
        url = args.database_url or f"sqlite:///{Path(tmp.name) / 'aggregation.db'}"
        database = Database(url)
        database.upgrade()
    clock = "CPU" if args.cpu else "wall"
    print(f"Aggregation of {args.answers:,} answers, best / median of {args.repeat} (ms, {clock})")
    header = f"{'type':<10} {'aggregate':>18} {'aggregate+view':>18} {'results from DB':>18}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    chosen = args.types.split(",") if args.types else [*CASES, *ITEM_CASES]
    for type_name in chosen:
        if type_name in ITEM_CASES:  # items, in memory only
            timings = bench_items(host, type_name, args.answers, args.repeat)
        else:
            timings = bench_in_memory(host, type_name, args.answers, args.repeat)
        if database is not None and type_name in CASES:
            timings["db"] = bench_database(host, database, type_name, args.answers, args.repeat)
        cells = []
        for key in ("aggregate", "aggregate+view", "db"):
            values = timings.get(key)
            cells.append(
                f"{min(values):8.1f} / {statistics.median(values):7.1f}" if values else "-"
            )
        worst = max(worst, min(timings["aggregate+view"]))
        print(f"{type_name:<10} {cells[0]:>18} {cells[1]:>18} {cells[2]:>18}")
    verdict = "under" if worst < TARGET_MS else "OVER"
    print(f"\nWorst in-memory aggregate+view: {worst:.1f} ms", end=" ")
    print(f"({verdict} the {TARGET_MS:.0f} ms target)")
    if database is not None:
        database.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
