"""The four built-in types over real HTTP: catalog, configs, answers, actions, state, export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from caja_core.services import admins

PASSWORD = "plugin-tests-password"


@dataclass
class Presenter:
    """A logged-in admin with a running session."""

    http: httpx.Client
    headers: dict[str, str]
    session: dict[str, Any]

    @property
    def sid(self) -> str:
        return str(self.session["id"])

    def call(self, method: str, url: str, status: int = 200, **kw: Any) -> Any:
        r = self.http.request(method, url, headers=self.headers, **kw)
        assert r.status_code == status, f"{method} {url}: {r.status_code} {r.text}"
        return r.json() if r.content and "json" in r.headers.get("content-type", "") else r.text

    def activity(self, type_: str, config: dict[str, Any], title: str = "Activity") -> str:
        body = {"type": type_, "title": title, "config": config}
        created = self.call("POST", f"/api/sessions/{self.sid}/activities", 201, json=body)
        aid = str(created["id"])
        self.call("POST", f"/api/sessions/{self.sid}/activities/{aid}/activate")
        return aid

    def act(self, aid: str, action: str, body: Any = None, status: int = 200) -> Any:
        url = f"/api/sessions/{self.sid}/activities/{aid}/actions/{action}"
        return self.call("POST", url, status, json=body)

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.call("GET", f"/api/sessions/{self.sid}/state")
        return state

    def join(self, nickname: str) -> Phone:
        r = self.http.post(
            "/api/join", json={"join_code": self.session["join_code"], "nickname": nickname}
        )
        assert r.status_code == 201, r.text
        return Phone(self.http, self.sid, {"Authorization": f"Bearer {r.json()['token']}"})

    def export(self) -> tuple[dict[str, Any], list[dict[str, str]]]:
        as_json = self.call("GET", f"/api/sessions/{self.sid}/export", params={"format": "json"})
        as_csv = self.call("GET", f"/api/sessions/{self.sid}/export", params={"format": "csv"})
        return as_json, list(csv.DictReader(io.StringIO(as_csv)))


@dataclass
class Phone:
    """A participant."""

    http: httpx.Client
    sid: str
    headers: dict[str, str]

    def answer(self, aid: str, data: Any) -> httpx.Response:
        return self.http.post(
            f"/api/sessions/{self.sid}/activities/{aid}/responses",
            json={"data": data},
            headers=self.headers,
        )

    def state(self) -> dict[str, Any]:
        r = self.http.get(f"/api/sessions/{self.sid}/state", headers=self.headers)
        assert r.status_code == 200, r.text
        state: dict[str, Any] = r.json()
        return state


@pytest.fixture
def presenter(caja_app: Any, http: httpx.Client) -> Presenter:
    with caja_app.state.db.transaction() as db:
        admins.create_admin(db, "host", PASSWORD)
    r = http.post("/api/auth/login", json={"username": "host", "password": PASSWORD})
    assert r.status_code == 200, r.text
    http.cookies.clear()
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    p = Presenter(http, headers, {})
    session = p.call("POST", "/api/sessions", 201, json={"name": "Plugin day"})
    p.session = p.call("POST", f"/api/sessions/{session['id']}/start")
    return p


def test_catalog_lists_the_four_types_with_schemas_and_actions(http: httpx.Client) -> None:
    r = http.get("/api/activity-types")
    assert r.status_code == 200
    types = {t["name"]: t for t in r.json()}
    assert {"poll", "poker", "quiz", "wordcloud"} <= set(types)
    assert {a["name"] for a in types["poker"]["actions"]} == {"reveal", "revote", "accept", "skip"}
    assert {a["name"] for a in types["quiz"]["actions"]} == {
        "next",
        "reveal",
        "leaderboard",
        "finish",
    }
    assert {a["name"] for a in types["poll"]["actions"]} == {"reveal", "hide", "reset"}
    assert {a["name"] for a in types["wordcloud"]["actions"]} == {"hide", "unhide"}
    assert "options" in types["poll"]["config_schema"]["properties"]
    assert types["poll"]["plugin"]["distribution"] == "caja"


def test_bad_configs_are_422_with_field_errors(presenter: Presenter) -> None:
    url = f"/api/sessions/{presenter.sid}/activities"
    bad = {"question": "Q", "options": [{"text": "A"}, {"text": "B"}], "colour": "red"}
    body = presenter.call("POST", url, 422, json={"type": "poll", "title": "P", "config": bad})
    assert any(e["loc"][-1] == "colour" for e in body["errors"])
    one = {"question": "Q", "options": [{"text": "A"}]}
    body = presenter.call("POST", url, 422, json={"type": "poll", "title": "P", "config": one})
    assert body["errors"]


def test_poll_over_http(presenter: Presenter) -> None:
    config = {
        "question": "Lunch?",
        "options": [{"text": "Pizza"}, {"text": "Sushi"}, {"text": "Salad"}],
        "results_visibility": "on_reveal",
        "shuffle_options": True,
    }
    aid = presenter.activity("poll", config, "Lunch")
    ann, bob = presenter.join("Ann"), presenter.join("Bob")
    assert ann.answer(aid, {"choices": [1]}).status_code == 201
    assert ann.answer(aid, {"choices": [1]}).status_code == 200  # identical retry
    assert ann.answer(aid, {"choices": [0]}).status_code == 409
    refused = bob.answer(aid, {"choices": [7]})
    assert refused.status_code == 422
    assert "no option 7" in refused.json()["detail"]
    assert bob.answer(aid, {"choices": [2]}).status_code == 201

    seen = ann.state()["activity"]
    assert seen["results"] is None
    assert sorted(o["index"] for o in seen["config"]["options"]) == [0, 1, 2]
    presenter.act(aid, "reveal")
    shown = ann.state()["activity"]
    assert [o["count"] for o in shown["results"]["options"]] == [0, 1, 1]
    assert shown["display"][0]["kind"] == "bars"

    as_json, as_csv = presenter.export()
    assert "choices" in as_json["columns"]
    assert sorted(r["choices"] for r in as_json["rows"]) == ["Salad", "Sushi"]
    assert sorted(r["choices"] for r in as_csv) == ["Salad", "Sushi"]

    presenter.act(aid, "reset")
    assert presenter.export()[0]["rows"] == []


def test_poker_over_http(presenter: Presenter) -> None:
    config = {"items": [{"title": "Login"}, {"title": "Search"}], "auto_reveal": False}
    aid = presenter.activity("poker", config, "Sprint 12")
    ann, bob = presenter.join("Ann"), presenter.join("Bob")
    assert ann.answer(aid, {"card": "5"}).status_code == 201
    assert ann.answer(aid, {"card": "8"}).status_code == 201  # changed before the reveal
    assert bob.answer(aid, {"card": "13"}).status_code == 201
    assert bob.answer(aid, {"card": "7"}).status_code == 422

    for state in (presenter.state(), bob.state()):
        this_round = state["activity"]["results"]["items"][0]["rounds"][0]
        assert [v["nickname"] for v in this_round["voters"]] == ["Ann", "Bob"]
        assert "votes" not in this_round
        assert all(c["value"] is None for c in state["activity"]["display"][0]["cards"])

    presenter.act(aid, "reveal")
    revealed = bob.state()["activity"]["results"]["items"][0]["rounds"][0]
    assert [(v["nickname"], v["card"]) for v in revealed["votes"]] == [("Ann", "8"), ("Bob", "13")]
    assert bob.answer(aid, {"card": "3"}).status_code == 422
    conflict = presenter.act(aid, "reveal", status=409)
    assert "already revealed" in conflict["detail"]
    presenter.act(aid, "accept", {"estimate": "8"})
    assert presenter.act(aid, "accept", {}, status=422)["errors"]

    as_json, as_csv = presenter.export()
    rows = sorted(
        (r["nickname"], r["item"], r["round"], r["card"], r["final_estimate"]) for r in as_csv
    )
    assert rows == [("Ann", "Login", "1", "8", "8"), ("Bob", "Login", "1", "13", "8")]
    assert {"item", "round", "card", "final_estimate"} <= set(as_json["columns"])


def test_quiz_over_http(presenter: Presenter) -> None:
    config = {
        "questions": [
            {"kind": "single", "text": "2 + 2?", "options": ["3", "4"], "correct": 1},
            {"kind": "type_answer", "text": "Capital of Peru?", "accepted_answers": ["Lima"]},
        ]
    }
    aid = presenter.activity("quiz", config, "Warm-up")
    ann, bob = presenter.join("Ann"), presenter.join("Bob")
    assert ann.answer(aid, {"choice": 1}).status_code == 422  # nothing open yet
    presenter.act(aid, "next")
    question = bob.state()["activity"]
    assert question["phase"] == "question"
    assert "correct" not in question["config"]["current"]
    assert question["deadline"] is not None
    assert ann.answer(aid, {"choice": 1}).status_code == 201
    assert ann.answer(aid, {"choice": 0}).status_code == 409  # one answer per question
    assert bob.answer(aid, {"choice": 0}).status_code == 201
    presenter.act(aid, "reveal")
    mine = ann.state()["activity"]["extra"]
    assert (mine["correct"], mine["rank"]) == (True, 1)
    assert 500 <= mine["points"] <= 1000
    presenter.act(aid, "next")
    assert bob.answer(aid, {"text": " lima "}).status_code == 201
    assert presenter.act(aid, "finish")["closed"] is True
    final = presenter.state()["activity"]
    assert [b["kind"] for b in final["display"]] == ["podium", "leaderboard"]
    board = final["results"]["leaderboard"]
    assert {r["nickname"]: r["correct"] for r in board} == {"Ann": 1, "Bob": 1}

    _, as_csv = presenter.export()
    rows = sorted((r["nickname"], r["question"], r["answer"], r["correct"]) for r in as_csv)
    assert rows == [
        ("Ann", "1. 2 + 2?", "4", "yes"),
        ("Bob", "1. 2 + 2?", "3", "no"),
        ("Bob", "2. Capital of Peru?", "lima", "yes"),
    ]


def test_wordcloud_over_http(presenter: Presenter) -> None:
    aid = presenter.activity("wordcloud", {"prompt": "One word?", "blocked_words": ["meh"]})
    ann, bob = presenter.join("Ann"), presenter.join("Bob")
    assert ann.answer(aid, {"text": "Python"}).status_code == 201
    refused = ann.answer(aid, {"text": "MEH!"})
    assert refused.status_code == 422
    assert "blocked word" in refused.json()["detail"]
    assert ann.answer(aid, {"text": "fast"}).status_code == 201
    assert bob.answer(aid, {"text": "PYTHON!"}).status_code == 201
    words = presenter.state()["activity"]["display"][0]["words"]
    assert words == [{"text": "Python", "weight": 2}, {"text": "fast", "weight": 1}]
    assert ann.state()["activity"]["extra"] == {
        "your_entries": ["Python", "fast"],
        "entries_left": 1,
    }
    presenter.act(aid, "hide", {"entry": "python"})
    assert presenter.state()["activity"]["display"][0]["words"] == [{"text": "fast", "weight": 1}]

    _, as_csv = presenter.export()
    assert sorted((r["entry"], r["counted_as"]) for r in as_csv) == [
        ("PYTHON", "python"),
        ("Python", "python"),
        ("fast", "fast"),
    ]


def test_scale_over_http_in_the_sessions_language(presenter: Presenter) -> None:
    presenter.call("PATCH", f"/api/sessions/{presenter.sid}", json={"language": "es"})
    config = {"question": "Agree?", "statements": ["Clear", "Useful"], "high_label": "Yes!"}
    aid = presenter.activity("scale", config, "Feedback")
    ann, bob = presenter.join("Ann"), presenter.join("Bob")
    form = ann.state()["activity"]["answer_schema"]["properties"]["ratings"]
    assert form["description"] == "Mueve cada control deslizante hasta tu valoración"
    assert form["properties"]["s1"]["x-caja-widget"] == "slider"
    assert form["properties"]["s1"]["x-caja-labels"] == ["", "Yes!"]
    assert ann.answer(aid, {"ratings": {"s0": 5, "s1": 4}}).status_code == 201
    refused = bob.answer(aid, {"ratings": {"s0": 5}})
    assert refused.status_code == 422 and refused.json()["detail"] == "Rate every statement"
    assert bob.answer(aid, {"ratings": {"s0": 3, "s1": 4}}).status_code == 201
    assert ann.state()["activity"]["results"] is None  # phones: after the close
    stats = presenter.state()["activity"]["display"][0]["stats"]
    assert [(s["label"], s["value"]) for s in stats] == [("Clear", "4"), ("Useful", "4")]
    presenter.call("POST", f"/api/sessions/{presenter.sid}/activities/{aid}/close")
    assert ann.state()["activity"]["results"]["respondents"] == 2
    as_json, as_csv = presenter.export()
    assert sorted((r["1. Clear"], r["2. Useful"]) for r in as_csv) == [("3", "4"), ("5", "4")]
    assert "1. Clear" in as_json["columns"]


def test_ranking_over_http(presenter: Presenter) -> None:
    aid = presenter.activity("ranking", {"question": "First?", "items": ["A", "B", "C"]})
    ann, bob = presenter.join("Ann"), presenter.join("Bob")
    form = ann.state()["activity"]["answer_schema"]["properties"]["order"]
    assert form["x-caja-widget"] == "ordering"
    assert [c["const"] for c in form["items"]["oneOf"]] == ["i0", "i1", "i2"]
    assert ann.answer(aid, {"order": ["i2", "i0", "i1"]}).status_code == 201
    assert ann.answer(aid, {"order": ["i0", "i1", "i2"]}).status_code == 409  # one each
    assert bob.answer(aid, {"order": ["i2", "i1", "i0"]}).status_code == 201
    bars = presenter.state()["activity"]["display"][0]["bars"]
    assert [(b["label"], b["count"]) for b in bars] == [("1. C", 4), ("2. A", 1), ("2. B", 1)]
    assert ann.state()["activity"]["extra"]["your_order"] == ["i2", "i0", "i1"]
    _, as_csv = presenter.export()
    assert sorted(r["order"] for r in as_csv) == ["C > A > B", "C > B > A"]
