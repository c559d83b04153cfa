"""The visibility matrix: for each built-in type and visibility mode, what is hidden is in
no document anyone not entitled can reach - their personal document, the shared document
they were given (fetched with no credentials, as any HTTP cache would), the deprecated
whole-state route - and appears for those entitled once it may (so the checks can fail).

Markers are JSON keys that only hidden data carries: a poll's ``"count":`` (results and
bars), poker's ``"votes":``/``"distribution":``, the quiz's ``"correct":`` and
``"accepted_answers":``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api


@dataclass
class Room:
    api: Api
    alice: str
    sid: str
    aid: str
    tokens: dict[str, str]  # nickname -> participant token

    def url(self, tail: str) -> str:
        return f"/api/sessions/{self.sid}{tail}"

    def answer(self, who: str, data: dict[str, Any]) -> None:
        url = self.url(f"/activities/{self.aid}/responses")
        self.api.ok("POST", url, self.tokens[who], 201, json={"data": data})

    def action(self, name: str) -> None:
        self.api.ok("POST", self.url(f"/activities/{self.aid}/actions/{name}"), self.alice, json={})

    def close(self) -> None:
        self.api.ok("POST", self.url(f"/activities/{self.aid}/close"), self.alice)

    def documents(self, who: str) -> dict[str, str]:
        """Everything ``who`` can reach, as text, by where it came from."""
        api, token = self.api, self.tokens[who]
        me = api.request("GET", self.url("/me"), token)
        assert me.status_code == 200, me.text
        assert me.headers["cache-control"] == "private, no-store"
        path = me.json()["live"]["path"]
        shared = api.request("GET", path)  # no credentials: what a shared cache gets
        assert shared.status_code == 200, shared.text
        assert shared.headers["cache-control"].startswith("public")
        whole = api.request("GET", self.url("/state"), token)
        assert whole.status_code == 200
        assert whole.headers["cache-control"].startswith("private")
        return {"me": me.text, "shared": shared.text, "state": whole.text, "path": path}


def room(api: Api, activity_type: str, config: dict[str, Any], people: int = 2) -> Room:
    alice = api.admin("alice")
    session = api.session(alice)
    body = {"type": activity_type, "title": "Hidden things", "config": config}
    activity = api.ok("POST", f"/api/sessions/{session['id']}/activities", alice, 201, json=body)
    aid = activity["id"]
    api.ok("POST", f"/api/sessions/{session['id']}/activities/{aid}/activate", alice)
    names = ["Ana", "Ben", "Cy"][:people]
    tokens = {name: api.join(session["join_code"], name)["token"] for name in names}
    return Room(api, alice, session["id"], aid, tokens)


def hidden_from(room: Room, who: list[str], markers: tuple[str, ...]) -> None:
    for name in who:
        for where, text in room.documents(name).items():
            for marker in markers:
                assert marker not in text, f"{marker} reached {name} through {where}: {text}"


def shown_to(
    room: Room, who: list[str], marker: str, where: tuple[str, ...] = ("me", "shared")
) -> None:
    for name in who:
        documents = room.documents(name)
        assert any(marker in documents[w] for w in where), f"{name} does not see {marker}"


POLL = {"question": "Best colour?", "options": [{"text": "red"}, {"text": "green"}]}
COUNT = '"count":'


def test_poll_on_reveal_hides_results_from_every_phone_until_revealed(api: Api) -> None:
    r = room(api, "poll", {**POLL, "results_visibility": "on_reveal"})
    r.answer("Ana", {"choices": [1]})
    hidden_from(r, ["Ana", "Ben"], (COUNT,))
    r.action("reveal")
    shown_to(r, ["Ana", "Ben"], COUNT)


def test_poll_after_close_hides_results_until_the_poll_closes(api: Api) -> None:
    r = room(api, "poll", {**POLL, "results_visibility": "after_close"})
    r.answer("Ana", {"choices": [0]})
    hidden_from(r, ["Ana", "Ben"], (COUNT,))
    r.close()
    shown_to(r, ["Ana", "Ben"], COUNT)


def test_poll_after_answer_shows_results_only_to_those_who_answered(api: Api) -> None:
    r = room(api, "poll", {**POLL, "results_visibility": "after_answer"})
    hidden_from(r, ["Ana", "Ben"], (COUNT,))
    r.answer("Ana", {"choices": [0]})
    shown_to(r, ["Ana"], COUNT)
    hidden_from(r, ["Ben"], (COUNT,))
    ana, ben = r.documents("Ana")["path"], r.documents("Ben")["path"]
    # Ben can't open what Ana may see with his own key's HMAC in another variant's name.
    forged = ben.rsplit("/", 1)[0] + "/p.answered." + ben.rsplit(".", 1)[1]
    if forged != ana:
        assert api.request("GET", forged).status_code == 404
    r.answer("Ben", {"choices": [1]})
    shown_to(r, ["Ben"], COUNT)


POKER = {"deck": "fibonacci", "items": [{"title": "Login page"}]}
VOTES = ('"votes":', '"distribution":')


def test_poker_cards_are_hidden_until_the_reveal(api: Api) -> None:
    r = room(api, "poker", POKER)
    r.answer("Ana", {"card": "13"})
    hidden_from(r, ["Ana", "Ben"], VOTES)
    # Ana sees her own card; Ben does not see it.
    assert '"your_card":"13"' in r.documents("Ana")["me"].replace(" ", "")
    assert '"your_card":"13"' not in "".join(r.documents("Ben").values()).replace(" ", "")
    r.action("reveal")
    shown_to(r, ["Ana", "Ben"], '"votes":')


QUIZ = {
    "questions": [
        {"kind": "single", "text": "2 + 2?", "options": ["3", "4"], "correct": 1},
        {"kind": "type_answer", "text": "Capital of France?", "accepted_answers": ["Paris"]},
    ]
}
CORRECT = ('"correct":', '"accepted_answers":')


@pytest.mark.parametrize("question", [0, 1])
def test_quiz_correct_answers_are_hidden_until_the_reveal(api: Api, question: int) -> None:
    r = room(api, "quiz", QUIZ)
    r.action("next")
    if question == 1:  # past the first question
        r.action("reveal")
        r.action("next")
    data = (
        {"question": question, "choice": 1} if question == 0 else {"question": 1, "text": "Paris"}
    )
    r.answer("Ana", data)
    # The first question's answer is revealed by the time the second is asked.
    marker = CORRECT[question]
    hidden_from(r, ["Ana", "Ben"], (marker,))
    r.action("reveal")
    shown_to(r, ["Ana", "Ben"], marker)
