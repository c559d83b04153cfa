"""The visibility matrix: for each built-in type and visibility mode, what is hidden is in
no document anyone not entitled can reach - their personal document, the shared document
they were given (fetched with no credentials, as any HTTP cache would), the deprecated
whole-state route - and appears for those entitled once it may (so the checks can fail).

Markers are JSON keys that only hidden data carries: a poll's ``"count":`` (results and
bars), poker's ``"votes":``/``"distribution":``, the quiz's ``"correct":`` and
``"accepted_answers":``.

The matrix below (one test per built-in and visibility mode) also checks what the live
documents promise: every participant of one variant holds the same key and gets the same
bytes with no credentials (or anyone's); what is one participant's own (their choice, card,
entries, verdict and score, option order) is in their personal document only, never in a
shared one or in another participant's documents.
"""

from __future__ import annotations

import json
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
        self.action_with(name, {})

    def action_with(self, name: str, body: dict[str, Any]) -> None:
        url = self.url(f"/activities/{self.aid}/actions/{name}")
        self.api.ok("POST", url, self.alice, json=body)

    def close(self) -> None:
        self.api.ok("POST", self.url(f"/activities/{self.aid}/close"), self.alice)

    def documents(self, who: str) -> dict[str, str]:
        """Everything ``who`` can reach, as compact JSON text, by where it came from."""
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
        return {
            "me": compact(me.json()),
            "shared": compact(shared.json()),
            "state": compact(whole.json()),
            "path": path,
        }

    def me(self, who: str) -> dict[str, Any]:
        """``who``'s personal document."""
        doc: dict[str, Any] = self.api.ok("GET", self.url("/me"), self.tokens[who])
        return doc


def compact(doc: Any) -> str:
    """A document as JSON without spaces, so markers like ``"your_card":"13"`` match."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def room(api: Api, activity_type: str, config: dict[str, Any], people: int = 2) -> Room:
    """A running session whose one activity (of ``activity_type``) is active, with ``people``
    participants (Ana, Ben, Cy)."""
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
    assert '"your_card":"13"' in r.documents("Ana")["me"]
    assert '"your_card":"13"' not in "".join(r.documents("Ben").values())
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


# -- the matrix: shared documents per variant, personal facts per participant -----

OWN_KEYS = {
    "your_choices",
    "option_order",
    "your_card",
    "your_entries",
    "entries_left",
    "answered",
    "points",
    "score",
    "rank",
    "streak",
    "correct_answers",
}
"""The keys the built-ins' personal views carry (never in a shared document's ``extra``)."""


def shared_per_variant(r: Room, variants: dict[str, str]) -> dict[str, bytes]:
    """Check that each participant is in the variant expected, that the participants of one
    variant hold one key whose document is the same bytes whoever fetches it (no
    credentials, or anyone's), that variants have different keys, and that the shared
    document is the type's shared view with nobody's own facts in it. Returns the bytes
    of each variant's document."""
    paths: dict[str, set[str]] = {}
    for name, variant in variants.items():
        me = r.me(name)
        assert me["activity"] is None, "the participant view is rendered per phone"
        assert me["view"] is not None and me["view"]["variant"] == variant, (name, me["view"])
        paths.setdefault(variant, set()).add(me["live"]["path"])
    assert all(len(keys) == 1 for keys in paths.values()), paths
    assert len({next(iter(keys)) for keys in paths.values()}) == len(paths), paths
    docs: dict[str, bytes] = {}
    for variant, (path,) in paths.items():
        plain = r.api.request("GET", path)
        assert plain.status_code == 200, plain.text
        for token in [*r.tokens.values(), r.alice]:
            again = r.api.request("GET", path, token)
            assert again.content == plain.content, "a shared document that depends on who asks"
        doc = plain.json()
        assert doc["personal_view"] is False
        assert doc["activity"]["id"] == r.aid
        assert not OWN_KEYS & set(doc["activity"]["extra"]), doc["activity"]["extra"]
        docs[variant] = plain.content
    return docs


def own_to(r: Room, who: str, marker: str) -> None:
    """``marker`` is in ``who``'s personal document and in nobody else's documents, nor in
    any shared document."""
    assert marker in compact(r.me(who)), f"{who} does not see their own {marker}"
    for name in r.tokens:
        documents = r.documents(name)
        assert marker not in documents["shared"], f"{marker} in a shared document"
        if name != who:
            for where, text in documents.items():
                assert marker not in text, f"{who}'s {marker} reached {name} through {where}"


def nothing_without_credentials(r: Room) -> None:
    """Without a participant token there is no personal document and no whole state; a
    key that was not handed out opens nothing."""
    assert r.api.request("GET", r.url("/me")).status_code == 401
    assert r.api.request("GET", r.url("/state")).status_code == 401
    path = r.me(next(iter(r.tokens)))["live"]["path"]
    base, key = path.rsplit("/", 1)
    mac = key.rsplit(".", 1)[1]
    for forged in ("p." + mac[::-1], "p.answered." + mac, "p.x." + mac):
        if f"{base}/{forged}" != path:
            assert r.api.request("GET", f"{base}/{forged}").status_code == 404, forged
    for malformed in ("p", "p..", "p.answered"):
        assert r.api.request("GET", f"{base}/{malformed}").status_code in (404, 422), malformed


POLL3 = {**POLL, "options": [*POLL["options"], {"text": "blue"}]}
POLL_MODES = ("always", "after_answer", "after_close", "on_reveal")


@pytest.mark.parametrize("mode", POLL_MODES)
def test_poll_matrix(api: Api, mode: str) -> None:
    r = room(api, "poll", {**POLL3, "results_visibility": mode}, people=3)
    nothing_without_credentials(r)
    shared_per_variant(r, {"Ana": "", "Ben": "", "Cy": ""})
    r.answer("Ana", {"choices": [1]})
    r.answer("Cy", {"choices": [2]})
    answered = "answered" if mode == "after_answer" else ""
    docs = shared_per_variant(r, {"Ana": answered, "Ben": "", "Cy": answered})
    sees = {"always": ["Ana", "Ben", "Cy"], "after_answer": ["Ana", "Cy"]}.get(mode, [])
    shown_to(r, sees, COUNT, where=("shared",))
    hidden_from(r, [n for n in r.tokens if n not in sees], (COUNT,))
    assert b'"highlight":true' not in b"".join(docs.values())  # own choices are marked by the phone
    own_to(r, "Ana", '"your_choices":[1]')
    own_to(r, "Cy", '"your_choices":[2]')
    assert r.me("Ana")["view"]["accepting_answers"] is False  # no changes allowed
    assert r.me("Ben")["view"]["accepting_answers"] is None
    if mode == "on_reveal":
        r.action("reveal")
    else:
        r.close()
    shared_per_variant(r, {"Ana": "", "Ben": "", "Cy": ""})
    shown_to(r, ["Ana", "Ben", "Cy"], COUNT, where=("shared",))


def test_poll_hide_hides_results_from_every_variant(api: Api) -> None:
    r = room(api, "poll", {**POLL, "results_visibility": "after_answer"}, people=3)
    r.answer("Ana", {"choices": [0]})
    r.action("hide")
    shared_per_variant(r, {"Ana": "", "Ben": "", "Cy": ""})
    hidden_from(r, ["Ana", "Ben", "Cy"], (COUNT,))


def test_poll_shuffled_order_is_personal_and_the_shared_document_one(api: Api) -> None:
    options = [{"text": f"option {i}"} for i in range(8)]
    r = room(api, "poll", {**POLL, "options": options, "shuffle_options": True}, people=3)
    (doc,) = shared_per_variant(r, {"Ana": "", "Ben": "", "Cy": ""}).values()
    shared = json.loads(doc)["activity"]["config"]["options"]
    assert [o["index"] for o in shared] == list(range(8))
    orders = {name: r.me(name)["view"]["extra"]["option_order"] for name in r.tokens}
    assert all(sorted(order) == list(range(8)) for order in orders.values())
    assert len({tuple(order) for order in orders.values()}) > 1
    own_to(r, "Ana", compact({"option_order": orders["Ana"]})[1:-1])


def test_poker_matrix(api: Api) -> None:
    r = room(api, "poker", {**POKER, "items": [{"title": "Login"}, {"title": "Search"}]}, 3)
    nothing_without_credentials(r)
    r.answer("Ana", {"card": "13"})
    r.answer("Cy", {"card": "5"})
    everyone = {"Ana": "", "Ben": "", "Cy": ""}
    shared_per_variant(r, everyone)
    hidden_from(r, ["Ana", "Ben", "Cy"], VOTES)
    own_to(r, "Ana", '"your_card":"13"')
    own_to(r, "Cy", '"your_card":"5"')
    r.action("reveal")
    shared_per_variant(r, everyone)
    shown_to(r, ["Ana", "Ben", "Cy"], '"votes":', where=("shared",))
    r.action("revote")  # round 2: face down again, nobody has a card in it yet
    shared_per_variant(r, everyone)
    for name in r.tokens:
        assert r.me(name)["view"]["extra"] == {"your_card": None}
    r.answer("Ben", {"card": "8"})
    own_to(r, "Ben", '"your_card":"8"')
    (doc,) = shared_per_variant(r, everyone).values()
    first, second = json.loads(doc)["activity"]["results"]["items"][0]["rounds"]
    assert {v["card"] for v in first["votes"]} == {"13", "5"}  # round 1 stays revealed
    assert [v["nickname"] for v in second["voters"]] == ["Ben"]
    assert "votes" not in second and second["revealed"] is False


def test_quiz_matrix(api: Api) -> None:
    r = room(api, "quiz", QUIZ, people=3)
    nothing_without_credentials(r)
    r.action("next")
    r.answer("Ana", {"question": 0, "choice": 1})  # right
    r.answer("Ben", {"question": 0, "choice": 0})  # wrong; Cy does not answer
    everyone = {"Ana": "", "Ben": "", "Cy": ""}
    shared_per_variant(r, everyone)
    hidden_from(r, ["Ana", "Ben", "Cy"], CORRECT)
    assert r.me("Ana")["view"]["accepting_answers"] is False
    assert r.me("Cy")["view"]["accepting_answers"] is None
    assert r.me("Cy")["view"]["extra"] == {"answered": False}
    r.action("reveal")
    (doc,) = shared_per_variant(r, everyone).values()
    assert b'"score":' not in doc  # the standings wait for the leaderboard
    shown_to(r, ["Ana", "Ben", "Cy"], '"correct":', where=("shared",))
    ana, ben = r.me("Ana")["view"], r.me("Ben")["view"]
    assert (ana["extra"]["correct"], ana["extra"]["rank"]) == (True, 1)
    assert (ben["extra"]["correct"], ben["extra"]["points"]) == (False, 0)
    assert ana["extra"]["points"] > 0
    own_to(r, "Ana", compact(ana["extra"]))
    own_to(r, "Ana", compact(ana["display"]))  # "You: Correct", her points and rank
    own_to(r, "Ben", compact(ben["extra"]))
    r.action("leaderboard")
    (doc,) = shared_per_variant(r, everyone).values()
    board = json.loads(doc)["activity"]["display"][0]
    assert board["kind"] == "leaderboard"
    assert not any(row["highlight"] for row in board["rows"])  # the same rows for everyone


def test_wordcloud_matrix(api: Api) -> None:
    config = {"prompt": "One word", "entries_per_participant": 2, "blocked_words": ["zebra"]}
    r = room(api, "wordcloud", config, people=3)
    nothing_without_credentials(r)
    r.answer("Ana", {"text": "python"})
    r.answer("Ana", {"text": "go"})
    r.answer("Ben", {"text": "cobol"})
    everyone = {"Ana": "", "Ben": "", "Cy": ""}
    (doc,) = shared_per_variant(r, everyone).values()
    assert b"cobol" in doc and b"python" in doc  # the cloud is everyone's
    hidden_from(r, ["Ana", "Ben", "Cy"], ("zebra",))  # the presenter's blocked words
    own_to(r, "Ana", '"your_entries":["python","go"]')
    assert r.me("Ana")["view"]["accepting_answers"] is False  # both entries used
    assert r.me("Ben")["view"]["extra"]["entries_left"] == 1
    r.action_with("hide", {"entry": "cobol"})
    (doc,) = shared_per_variant(r, everyone).values()
    assert b"cobol" not in doc
    hidden_from(r, ["Ana", "Cy"], ("cobol",))
    assert "cobol" in r.documents("Ben")["me"]  # Ben still sees what he sent
