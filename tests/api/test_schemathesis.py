"""Schemathesis against the live server's own ``/api/openapi.json``: generated requests
(valid and invalid) to every operation never get a 5xx, and every answer matches the
schema declared for its status code.

One test per operation, so that pytest-xdist spreads them over its workers (the slow lane
hands them out one by one after the other slow tests: ``SPREAD`` in tests/conftest.py); the
operations are collected from the app's document, and a test checks the live server serves
exactly those.
"""

from __future__ import annotations

import traceback
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from . import media_samples as samples
from .conftest import Api, LiveServer, make_app

pytestmark = pytest.mark.slow

EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance]


def _property(strategy: Any, base_url: str, headers: dict[str, str], statuses: list[int]) -> Any:
    """A Hypothesis property: every generated case passes the checks."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        statuses.append(response.status_code)

    return check


def _scene(api: Api, admin: str, items: bool = False) -> dict[str, str]:
    """Real ids for the path parameters. ``items``: the activity is a Q&A (items, votes,
    moderation) with one question from another participant to act on."""
    session = api.session(admin, "Fuzzed")
    sid = session["id"]
    if items:
        activity = api.activity(admin, sid, type="qna", title="Questions?", config={})
    else:
        activity = api.activity(admin, sid)
    joined = api.join(session["join_code"], "Fuzz")
    scene = {
        "sid": sid,
        "aid": activity["id"],
        "pid": joined["participant"]["id"],
        "action": "note",
        "ptoken": joined["token"],
        "template_id": api.ok("GET", "/api/templates", admin)[0]["id"],
        "name": api.ok(
            "POST",
            "/api/media",
            admin,
            201,
            content=samples.png(),
            headers={"Content-Type": "image/png"},
        )["name"],
    }
    me = api.ok("GET", f"/api/sessions/{sid}/me", joined["token"])
    scene["key"] = me["live"]["path"].rsplit("/", 1)[1]
    if items:
        other = api.join(session["join_code"], "Other")
        item = api.ok(
            "POST",
            f"/api/sessions/{sid}/activities/{activity['id']}/items",
            other["token"],
            201,
            json={"data": {"text": "What is next?"}},
        )
        scene["iid"] = item["id"]
    return scene


_PARTICIPANT_OPERATIONS = {
    "submit_answer",
    "submit_item",
    "vote",
    "unvote",
    "get_personal_document",
}


def _auth_for(operation_id: str, admin: str, scene: dict[str, str]) -> dict[str, str]:
    if operation_id == "logout":
        return {}  # logging out with the shared token would end the run
    token = scene["ptoken"] if operation_id in _PARTICIPANT_OPERATIONS else admin
    return {"Authorization": f"Bearer {token}"}


def _operation_ids() -> list[str]:
    document = make_app().openapi()
    return [op["operationId"] for path in document["paths"].values() for op in path.values()]


OPERATION_IDS = _operation_ids()

# Operations that no generated case gets a 2xx or 3xx from: each needs data that matches the
# server's state (an admin's password, a live join code, an installed type, the activity's own
# answer or item model, its actions, exactly its activity ids), which generated data never does.
# Every other operation must reach its handler at least once.
UNREACHED = {
    "login",
    "change_password",
    "check_session_definition",
    "import_session",
    "add_activity",
    "reorder_activities",
    "open_beside",
    "run_action",
    "join_session",
    "submit_answer",
    "submit_item",
}


@pytest.fixture(scope="module")
def schema(live: LiveServer) -> Any:
    """The live server's own OpenAPI document, as schemathesis reads it."""
    return schemathesis.openapi.from_url(f"{live.url}/api/openapi.json")


def test_the_live_server_serves_the_collected_operations(schema: Any) -> None:
    served = [schema.get_operation_id(r.ok()) for r in schema.get_all_operations()]
    assert len(served) >= 25
    assert served == OPERATION_IDS
    assert UNREACHED.issubset(served)
    assert len(UNREACHED) < len(served) // 3


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_no_server_errors_and_responses_match_the_schema(
    api: Api, schema: Any, operation_id: str
) -> None:
    admin = api.admin("fuzzer")
    operation = schema.find_operation_by_id(operation_id)
    scene = _scene(api, admin, items="/items" in operation.path)
    path_ids = {name: value for name, value in scene.items() if f"{{{name}}}" in operation.path}
    strategies: list[tuple[str, Any]] = [
        ("real ids", operation.as_strategy(path_parameters=path_ids)),
        ("positive", operation.as_strategy()),
        ("negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)),
    ]
    failures: list[str] = []
    statuses: list[int] = []
    headers = _auth_for(operation_id, admin, scene)
    for label, strategy in strategies:
        try:
            _property(strategy, api.server.url, headers, statuses)()
        except Unsatisfiable:
            if label != "negative":
                raise
            # Nothing in this operation can be made invalid (no parameters, no body).
        except Exception as exc:
            summary = "".join(traceback.format_exception_only(type(exc), exc))[:2000]
            failures.append(f"{operation_id} ({label}): {summary}")
    assert not failures, "\n\n".join(failures)
    # The run reached the handler, not only the validation layer.
    if operation_id not in UNREACHED:
        assert any(200 <= s < 400 for s in statuses), sorted(set(statuses))
