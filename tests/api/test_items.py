"""Items over HTTP: Q&A questions and open-text answers submitted, voted for and moderated;
retries; per-participant rules; what the live state shows each role; a Q&A beside the
current activity; the export."""

from __future__ import annotations

import concurrent.futures
from typing import Any

from .conftest import Api, Scene


def _qna(api: Api, scene: Scene, activate: bool = True, **config: Any) -> str:
    a = api.activity(
        scene.alice, scene.sid, activate=activate, type="qna", title="Q&A", config=config
    )
    return str(a["id"])


def _items(scene: Scene, aid: str) -> str:
    return f"/api/sessions/{scene.sid}/activities/{aid}/items"


def _state(api: Api, scene: Scene, token: str) -> dict[str, Any]:
    doc: dict[str, Any] = api.ok("GET", f"/api/sessions/{scene.sid}/state", token)
    return doc


def _texts(part: dict[str, Any]) -> list[str]:
    entries = next(b for b in part["display"] if b["kind"] == "entries")["entries"]
    return [e["text"] for e in entries]


def test_ask_retry_vote_and_see_it_live(api: Api, scene: Scene) -> None:
    aid = _qna(api, scene)
    url = _items(scene, aid)
    created = api.request("POST", url, scene.ptoken, json={"data": {"text": " Why  Caja? "}})
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["data"] == {"text": "Why Caja?"}
    assert item["status"] == "visible"
    again = api.request("POST", url, scene.ptoken, json={"data": {"text": " Why  Caja? "}})
    assert again.status_code == 200
    assert again.json()["id"] == item["id"]

    carol = api.join(scene.session["join_code"], "Carol")["token"]
    vote = f"{url}/{item['id']}/vote"
    assert api.ok("PUT", vote, carol) == {"item_id": item["id"], "votes": 1, "voted": True}
    assert api.ok("PUT", vote, carol)["votes"] == 1, "a second vote changes nothing"
    own = api.request("PUT", vote, scene.ptoken)
    assert own.status_code == 422
    assert "own" in own.json()["detail"]

    phone = _state(api, scene, carol)["activity"]
    assert _texts(phone) == ["Why Caja?"]
    assert phone["extra"]["voted"] == [item["id"]]
    assert phone["item_schema"]["properties"]["text"]["x-caja-widget"] == "long_text"
    assert api.ok("DELETE", vote, carol)["votes"] == 0
    assert _state(api, scene, carol)["activity"]["extra"]["voted"] == []


def test_moderation_before_publishing(api: Api, scene: Scene) -> None:
    aid = _qna(api, scene, moderation="before")
    url = _items(scene, aid)
    item = api.ok("POST", url, scene.ptoken, 201, json={"data": {"text": "Pending?"}})
    assert item["status"] == "pending"
    carol = api.join(scene.session["join_code"], "Carol")["token"]
    assert _texts(_state(api, scene, carol)["activity"]) == []
    assert _texts(_state(api, scene, scene.alice)["activity"]) == [], "not on the big screen"
    assert (
        _state(api, scene, scene.ptoken)["activity"]["extra"]["my_questions"][0]["status"]
        == "pending"
    )
    listed = api.ok("GET", url, scene.alice)
    assert [(i["data"]["text"], i["status"], i["nickname"]) for i in listed] == [
        ("Pending?", "pending", "Bob")
    ]
    assert api.request("GET", url, scene.ptoken).status_code == 403
    assert api.request("GET", url, scene.mallory).status_code == 404
    assert api.request("POST", f"{url}/{item['id']}/approve", scene.mallory).status_code == 404
    assert api.ok("POST", f"{url}/{item['id']}/approve", scene.alice)["status"] == "visible"
    assert _texts(_state(api, scene, carol)["activity"]) == ["Pending?"]
    assert api.ok("POST", f"{url}/{item['id']}/hide", scene.alice)["status"] == "hidden"
    assert _texts(_state(api, scene, carol)["activity"]) == []
    refused = api.request("POST", f"{url}/{item['id']}/approve", scene.alice)
    assert refused.status_code == 409
    assert api.ok("POST", f"{url}/{item['id']}/restore", scene.alice)["status"] == "visible"
    bad = api.request("POST", f"{url}/{item['id']}/delete", scene.alice)
    assert bad.status_code in (404, 405)


def test_rules_hold_under_a_burst_from_one_phone(api: Api, scene: Scene) -> None:
    aid = _qna(api, scene, questions_per_participant=3)
    url = _items(scene, aid)

    def ask(n: int) -> int:
        return api.request("POST", url, scene.ptoken, json={"data": {"text": f"Q{n}?"}}).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(ask, range(8)))
    assert codes.count(201) == 3, codes
    assert set(codes) <= {201, 409, 422}
    assert len(api.ok("GET", url, scene.alice)) == 3


def test_anonymous_questions_name_nobody(api: Api, scene: Scene) -> None:
    aid = _qna(api, scene, allow_anonymous=True)
    url = _items(scene, aid)
    item = api.ok(
        "POST", url, scene.ptoken, 201, json={"data": {"text": "Pay?"}, "anonymous": True}
    )
    assert item["nickname"] is None
    assert item["author_id"] is None
    carol = api.join(scene.session["join_code"], "Carol")["token"]
    for token in (carol, scene.alice):
        doc = api.request("GET", f"/api/sessions/{scene.sid}/state", token).text
        assert "Pay?" in doc
        assert "Bob" not in doc, "an anonymous question names its author nowhere"
        assert scene.pid not in doc
    export = api.ok("GET", f"/api/sessions/{scene.sid}/export?format=json", scene.alice)
    row = next(r for r in export["rows"] if r.get("question") == "Pay?")
    assert row["nickname"] == "anonymous"
    assert row["participant_id"] == ""
    assert (row["votes"], row["status"]) == ("0", "visible")


def test_bad_items_are_clear_4xx(api: Api, scene: Scene) -> None:
    vote_answer = _items(scene, scene.aid)
    r = api.request("POST", vote_answer, scene.ptoken, json={"data": {"text": "hi"}})
    assert r.status_code == 422
    assert "takes no entries" in r.json()["detail"]
    aid = _qna(api, scene, max_length=20)
    url = _items(scene, aid)
    for body, code in (
        ({"data": {"text": "x" * 30}}, 422),
        ({"data": {"txt": "hi"}}, 422),
        ({"data": {"text": ""}}, 422),
        ({"data": "nope"}, 422),
        ({"data": {"text": "hi"}, "extra": 1}, 422),
    ):
        r = api.request("POST", url, scene.ptoken, json=body)
        assert r.status_code == code, (body, r.text)
        assert r.json()["detail"]
    assert api.request("POST", url, json={"data": {"text": "hi"}}).status_code == 401
    closed = api.request("POST", vote_answer, scene.ptoken, json={"data": {"text": "hi"}})
    assert closed.status_code == 422, "the vote is no longer current"


def test_qna_beside_the_current_activity(api: Api, scene: Scene) -> None:
    aid = _qna(api, scene, activate=False)
    beside = f"/api/sessions/{scene.sid}/activities/{aid}"
    api.ok("POST", f"{api_base(scene)}/{scene.aid}/activate", scene.alice)
    api.ok("POST", f"{beside}/open-beside", scene.alice)
    doc = _state(api, scene, scene.ptoken)
    assert doc["activity"]["id"] == scene.aid
    assert doc["side"]["id"] == aid
    assert doc["side"]["type"] == "qna"
    api.ok("POST", _items(scene, aid), scene.ptoken, 201, json={"data": {"text": "Beside?"}})
    assert _texts(_state(api, scene, scene.alice)["side"]) == ["Beside?"]
    # Another activity becomes current: the Q&A stays open beside it.
    other = api.activity(scene.alice, scene.sid, title="Next")
    doc = _state(api, scene, scene.ptoken)
    assert doc["activity"]["id"] == other["id"]
    assert doc["side"]["id"] == aid
    assert doc["side"]["status"] == "active"
    api.ok("POST", f"{beside}/close", scene.alice)
    assert "side" not in _state(api, scene, scene.ptoken)


def api_base(scene: Scene) -> str:
    return f"/api/sessions/{scene.sid}/activities"


def test_open_text_wall_and_highlight(api: Api, scene: Scene) -> None:
    a = api.activity(
        scene.alice,
        scene.sid,
        type="opentext",
        title="Words",
        config={"prompt": "One thing you learned?", "answers_per_participant": 2},
    )
    url = _items(scene, a["id"])
    first = api.ok("POST", url, scene.ptoken, 201, json={"data": {"text": "Polling works"}})
    api.ok("POST", url, scene.ptoken, 201, json={"data": {"text": "ETags too"}})
    third = api.request("POST", url, scene.ptoken, json={"data": {"text": "And more"}})
    assert third.status_code == 422
    phone = _state(api, scene, scene.ptoken)["activity"]
    assert _texts(phone) == ["ETags too", "Polling works"], "newest first"
    assert phone["extra"]["answers_left"] == 0
    api.ok(
        "POST",
        f"{api_base(scene)}/{a['id']}/actions/highlight",
        scene.alice,
        json={"item_id": first["id"]},
    )
    screen = _state(api, scene, scene.alice)["activity"]
    assert screen["display"][0] == {
        "kind": "spotlight",
        "title": None,
        "text": "Polling works",
        "caption": None,
    }
