"""A tiny run of the benchmark's scenario against the real app over real HTTP (in this
process, a few phones, about three seconds): the phones poll their two documents the way the
web app does, the join burst, answers and freshness are measured, the answers are counted
in the database, and every target gets a verdict. Numbers are not asserted against targets
here (that is the bench's job on a real run); what is asserted is what can only come out of
a bench that drives the new live path."""

from __future__ import annotations

import asyncio
import os
import urllib.parse
from typing import Any

import pytest
from fastapi import FastAPI

import caja_plugins.poll
from caja_core.services import admins
from caja_server.bench.cpu import CpuMeter
from caja_server.bench.phone import PERSONAL_LABEL, SHARED_LABEL
from caja_server.bench.runner import build_result
from caja_server.bench.scenario import JOIN_LABEL, PAGE_LOAD, POLL_LABEL, Options, Scenario
from caja_server.bench.stats import Recorder
from caja_server.bench.stored import stored_answers
from caja_server.bench.targets import TARGETS

PHONES = 6


@pytest.fixture
def caja_plugin() -> object:
    return caja_plugins.poll  # the built-in types are installed: only the poll's module here


async def _run(opts: Options, database_url: str) -> tuple[Scenario, dict[str, Any]]:
    rec = Recorder()
    scenario = Scenario(opts, rec)
    meter = CpuMeter([os.getpid()])  # the server runs in a thread of this process
    cpu: dict[str, Any] = {}
    try:
        await scenario.setup()
        meter.start()
        await scenario.join_all()
        cpu["join_burst"] = meter.stop().as_dict()
        meter.start()
        await scenario.run()
        cpu["live"] = meter.stop().as_dict()
        answers = await scenario.readback()
    finally:
        scenario.close()
    counted = await asyncio.to_thread(
        stored_answers, database_url, [a["activity_id"] for a in answers]
    )
    for a in answers:
        a["database_rows"], a["database_unique"] = counted[a["activity_id"]]
        a["exactly_once"] = a["accepted"] == a["database_rows"] == a["database_unique"]
    return scenario, build_result(scenario, rec, answers, None, cpu, [os.getpid()])


def test_a_tiny_run_drives_both_documents_and_checks_every_target(
    caja_app: FastAPI, caja_url: str, caja_database_url: str
) -> None:
    with caja_app.state.db.transaction() as db:
        admins.create_admin(db, "bench", "bench-scenario-password")
    url = urllib.parse.urlsplit(caja_url)
    opts = Options(
        host=url.hostname or "127.0.0.1",
        port=url.port or 80,
        participants=PHONES,
        admin_user="bench",
        admin_password="bench-scenario-password",
        duration=3.0,
        poll_interval=0.4,
        screen_interval=0.2,
        burst_seconds=0.3,
        connections=8,
        join_concurrency=3,
        observers=3,
    )
    scenario, result = asyncio.run(_run(opts, caja_database_url))
    ep = result["endpoints"]

    # The join burst: every phone joined with a 201, and its rate and p99 are reported.
    assert ep[JOIN_LABEL]["statuses"] == {"201": PHONES}
    assert result["join_burst"]["all_201"] and result["join_burst"]["rate_per_s"] > 0
    # Each phone loaded the page like the web app: its personal document, then the shared
    # document at the path the personal one names (no credentials needed for that one), then
    # the personal one again if the shared one was newer (another phone joined meanwhile).
    loads = ep[PERSONAL_LABEL + PAGE_LOAD]["statuses"]
    assert loads.keys() == {"200"} and PHONES <= loads["200"] <= 2 * PHONES
    assert ep[SHARED_LABEL + PAGE_LOAD]["statuses"] == {"200": PHONES}
    # Live: the shared document answered 304 to an unchanged If-None-Match, and 404 on the
    # old key once the next activity was on, which sent the phone to /me for the new key.
    shared = ep[SHARED_LABEL]["statuses"]
    # A phone learns of the next activity either so (each 404 sends it to /me) or from its
    # answer's reply, which carries its personal document, when it answered before its
    # next poll (on a busy machine, often): either way every phone ends on the last one.
    assert shared.get("304", 0) > 0 and shared.get("200", 0) > 0
    assert shared.get("404", 0) > 0, "an activation moves the phones to a new key"
    assert ep[SHARED_LABEL]["errors"] == 0 and ep[POLL_LABEL]["errors"] == 0
    assert ep[PERSONAL_LABEL]["requests"] >= shared["404"]
    last = scenario.activities[-1].id
    for phone in scenario.participants:
        assert phone.shared is not None and phone.personal is not None
        assert phone.shared.activity_id == phone.personal.activity_id == last, phone.index
    # Every phone answered every activity once; the database holds exactly those rows.
    for a in result["answers"]:
        assert a["accepted"] == PHONES == a["database_rows"] == a["database_unique"], a
        assert a["exactly_once"]
    # Others' answers reached the timed phones and the big screen.
    for kind in ("poll", "quiz", "wordcloud"):
        phones, screen = result["freshness_phones"][kind], result["freshness_screen"][kind]
        assert phones["observers"] == 3 and phones["count"] > 0, phones
        assert screen["count"] > 0, screen
    # CPU shares side by side, and a verdict for every target of the table.
    live = result["cpu"]["live"]
    assert live["server"] is not None and live["load_generator"] > 0
    names = {t["target"].split(" (")[0] for t in result["targets"]}
    assert names == {t.name.split(" (")[0] for t in TARGETS}
    assert all(isinstance(t["met"], bool) for t in result["targets"])
