"""Tests of the rating plugin, written with Caja's kit: ``caja_core.testing`` and the fixtures
of ``caja_server.testing`` (a pytest plugin that ``pip install "caja[test]"`` installs).

Run them where caja and this package are installed: ``pytest examples/caja-rating/tests``.
"""

from __future__ import annotations

from typing import Any

import caja_rating
import pytest

from caja_core import AnswerRejected
from caja_core.activity import results_json
from caja_core.testing import ActivityHarness, ActivityTypeContract


@pytest.fixture
def caja_plugin() -> object:
    return caja_rating


class TestRatingContract(ActivityTypeContract):
    activity_type = caja_rating.RatingType()
    plugin = caja_rating
    config = {"question": "How was the talk?", "scale": 5}
    invalid_configs = (
        {"question": "How was the talk?", "scale": 1},
        {"question": "", "scale": 5},
        {"question": "Q", "low_label": "Same", "high_label": "Same"},
    )
    good_answers = ({"value": 1}, {"value": 4}, {"value": 5})
    bad_answers = ({"value": 0}, {"value": 6}, {"value": "five"}, {})


def test_average_and_distribution() -> None:
    h = ActivityHarness(caja_rating.RatingType(), {"question": "Q", "scale": 3})
    h.activate()
    for name, value in [("ann", 3), ("bob", 2), ("cy", 3)]:
        h.answer(name, {"value": value})
    assert results_json(h.results()) == {"count": 3, "average": 2.67, "distribution": [0, 1, 2]}
    view, mine = h.phone("ann")
    assert view.results is not None
    assert mine is not None
    assert mine.accepting_answers is False
    assert mine.extra == {"your_rating": 3}
    with pytest.raises(AnswerRejected, match="1 to 3"):
        h.answer("dee", {"value": 4})
    assert h.export()[0] == {"rating": "3 / 3"}


def test_over_http(caja_client: Any, caja_admin: dict[str, str]) -> None:
    assert "rating" in {t["name"] for t in caja_client.get("/api/activity-types").json()}
    session = caja_client.post("/api/sessions", json={"name": "Demo"}, headers=caja_admin).json()
    sid = session["id"]
    caja_client.post(f"/api/sessions/{sid}/start", headers=caja_admin)
    activity = caja_client.post(
        f"/api/sessions/{sid}/activities",
        json={"type": "rating", "title": "Talk", "config": {"question": "How was it?"}},
        headers=caja_admin,
    ).json()
    caja_client.post(
        f"/api/sessions/{sid}/activities/{activity['id']}/activate", headers=caja_admin
    )
    joined = caja_client.post(
        "/api/join", json={"join_code": session["join_code"], "nickname": "Ann"}
    )
    phone = {"Authorization": f"Bearer {joined.json()['token']}"}
    state = caja_client.get(f"/api/sessions/{sid}/state", headers=phone).json()
    value = state["activity"]["answer_schema"]["properties"]["value"]
    assert value["x-caja-widget"] == "slider", "the phone's form shows the scale"
    assert (value["minimum"], value["maximum"]) == (1, 5)
    url = f"/api/sessions/{sid}/activities/{activity['id']}/responses"
    assert caja_client.post(url, json={"data": {"value": 4}}, headers=phone).status_code == 201
    results = caja_client.get(
        f"/api/sessions/{sid}/activities/{activity['id']}/results", headers=caja_admin
    ).json()
    assert results["results"]["average"] == 4
