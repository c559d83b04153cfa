"""The answer writer's cost per answer, timed: batches of answers stored as the server's
answer writer stores them (token lookup, ``submit_answers``, commit), per built-in type.

    .venv/bin/python bench/answer_batches.py [--participants 2560] [--batch 256]
        [--database-url URL] [--profile] [--types poll,quiz]

Everyone joins one running session with each built-in type (``bench/aggregation.py``'s
configs and answers); then, for each activity in turn, every participant's answer is stored
in batches of ``--batch`` (one transaction each, as ``caja_server.answers.AnswerWriter``
does). Poker's ``after_answer`` (auto-reveal) sees every answer stored so far, so its cost
per answer grows with the room. Printed: microseconds of
wall time per answer, best and median batch. With ``--profile``, cProfile's top functions
for the whole run. On a one-core server every answer's CPU is taken from the polls, so this
is the figure that decides how many answers a second a room can send.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _setup import warmed_host  # bench/ is on the path
from aggregation import CASES  # the same configs and answers per type

from caja_core.plugins import PluginHost
from caja_core.services import activities, admins, participants, responses, sessions
from caja_core.storage.db import Database
from caja_core.storage.models import Admin


def store(database: Database, host: PluginHost, batch: list[tuple[str, Any, Any, Any]]) -> int:
    """One batch the way the answer writer stores it; returns the answers stored."""
    with database.transaction() as db:
        found = participants.answerers_for_tokens(db, [(token, sid) for token, sid, _, _ in batch])
        submissions = [
            responses.AnswerSubmission(who, sid, aid, data)
            for who, (_, sid, aid, data) in zip(found, batch, strict=True)
        ]
        outcomes = responses.submit_answers(db, host, submissions)
    return sum(1 for outcome in outcomes if outcome.changed)


def main(argv: list[str] | None = None) -> int:
    """Run and print the table; exit 0 (the numbers are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2560)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--profile", action="store_true", help="cProfile's top 30 functions")
    parser.add_argument("--sort", default="tottime", help="the profile's order (cumulative, ...)")
    parser.add_argument("--types", default=",".join(CASES), help="comma-separated (default: all)")
    args = parser.parse_args(argv)
    host = warmed_host()
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'answers.db'}"
    database = Database(url)
    database.upgrade()
    rng = random.Random(11)

    with database.transaction() as db:
        admin = admins.create_admin(db, f"answers-{rng.randrange(10**9)}", "a-long-password-1")
        session = sessions.create_session(db, admin, "answer batches")
        ids = {
            name: activities.add_activity(
                db, host, admin, session.id, type=name, title=name, config=config
            ).id
            for name, (config, _, _, _) in CASES.items()
        }
        sessions.start_session(db, admin, session.id)
        sid, code, admin_id = session.id, session.join_code, admin.id
    tokens = []
    for start in range(0, args.participants, 500):
        with database.transaction() as db:
            for i in range(start, min(start + 500, args.participants)):
                tokens.append(participants.join_session(db, code, f"player{i}")[1])

    profiler = cProfile.Profile() if args.profile else None
    kind = url.split(":")[0]
    print(f"{args.participants:,} answers per type in batches of {args.batch} ({kind})")
    print(f"{'type':<10} {'us/answer best':>16} {'median':>10} {'stored':>8}")
    for name, (_, actions, make, _) in CASES.items():
        if name not in args.types.split(","):
            continue
        with database.transaction() as db:
            admin = db.get(Admin, admin_id)
            activities.activate_activity(db, host, admin, sid, ids[name])
            for action in actions:
                activities.run_action(db, host, admin, sid, ids[name], action, {})
        per_answer, stored = [], 0
        for start in range(0, len(tokens), args.batch):
            batch = [(t, sid, ids[name], make(rng)) for t in tokens[start : start + args.batch]]
            began = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            stored += store(database, host, batch)
            if profiler is not None:
                profiler.disable()
            per_answer.append((time.perf_counter() - began) * 1e6 / len(batch))
        print(
            f"{name:<10} {min(per_answer):16.0f} {statistics.median(per_answer):10.0f} {stored:>8,}"
        )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)
    database.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
