"""Reports and spreadsheet exports over HTTP: every activity's results as the presenter
sees them, participants, times; XLSX summaries from display blocks; and no poker card in
any results or export before its reveal."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from caja_server.spreadsheet import block_rows, sheet_name

from .conftest import Api

POLL = {
    "question": "Lunch?",
    "options": [{"text": "Pizza"}, {"text": "Salad"}, {"text": '=HYPERLINK("x")'}],
}
POKER = {"items": [{"title": "Login"}, {"title": "Search"}], "auto_reveal": False}
SECRET_CARDS = ("13", "40")


def answer(api: Api, sid: str, aid: str, token: str, data: dict[str, Any], status: int = 201):
    return api.ok(
        "POST",
        f"/api/sessions/{sid}/activities/{aid}/responses",
        token,
        status,
        json={"data": data},
    )


def add(api: Api, admin: str, sid: str, type_: str, title: str, config: dict[str, Any]):
    return api.activity(admin, sid, type=type_, title=title, config=config)


def workbook(api: Api, admin: str, sid: str) -> openpyxl.Workbook:
    r = api.request("GET", f"/api/sessions/{sid}/export?format=xlsx", admin)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert r.headers["content-disposition"].endswith('.xlsx"')
    return openpyxl.load_workbook(io.BytesIO(r.content))


def cells(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_report_has_every_activity_participants_and_times(api: Api) -> None:
    admin = api.admin()
    s = api.session(admin, "Team day")
    sid = s["id"]
    ann, bob = api.join(s["join_code"], "Ann"), api.join(s["join_code"], "=SUM(1,2)")
    poll = add(api, admin, sid, "poll", "Lunch", POLL)
    answer(api, sid, poll["id"], ann["token"], {"choices": [0]})
    answer(api, sid, poll["id"], bob["token"], {"choices": [0]})
    cloud = add(api, admin, sid, "wordcloud", "Mood", {"prompt": "One word"})
    answer(api, sid, cloud["id"], ann["token"], {"text": "sunny"})
    answer(api, sid, cloud["id"], bob["token"], {"text": "Sunny"})

    report = api.ok("GET", f"/api/sessions/{sid}/report", admin)
    assert report["session"]["name"] == "Team day"
    assert report["session"]["started_at"] is not None
    assert report["participant_count"] == 2
    by_name = {p["nickname"]: p for p in report["participants"]}
    assert by_name["Ann"]["answers"] == 2 and by_name["Ann"]["activities_answered"] == 2
    first, second = report["activities"]
    assert (first["title"], first["status"], first["answer_count"]) == ("Lunch", "expired", 2)
    assert first["closed_at"] is not None and first["activated_at"] is not None
    [bars] = [b for b in first["display"] if b["kind"] == "bars"]
    assert [(b["label"], b["count"]) for b in bars["bars"]][:2] == [("Pizza", 2), ("Salad", 0)]
    assert second["status"] == "active" and second["respondent_count"] == 2
    [cloud_block] = second["display"]
    assert cloud_block["kind"] == "cloud"
    assert [(w["text"].casefold(), w["weight"]) for w in cloud_block["words"]] == [("sunny", 2)]

    book = workbook(api, admin, sid)
    assert book.sheetnames == ["Summary", "1 Lunch", "2 Mood", "Participants", "Answers"]
    summary = cells(book["Summary"])
    assert summary[0][0] == "Team day"
    assert [
        "#",
        "activity",
        "type",
        "status",
        "answers",
        "respondents",
        "opened",
        "closed",
    ] in summary
    lunch = cells(book["1 Lunch"])
    assert ["label", "count", "percent", None] in lunch or ["label", "count", "percent"] in [
        r[:3] for r in lunch
    ]
    assert ["Pizza", 2, 100] in [r[:3] for r in lunch]
    # Text that looks like a formula stays text.
    option = next(r for r in book["1 Lunch"].iter_rows() if str(r[0].value).startswith("=HYP"))
    assert option[0].data_type == "s"
    mood = [r[:2] for r in cells(book["2 Mood"])]
    assert ["text", "weight"] in mood and any(
        r[1] == 2 for r in mood if r[0] and r[0].casefold() == "sunny"
    )
    answers = cells(book["Answers"])
    exported = api.ok("GET", f"/api/sessions/{sid}/export?format=json", admin)
    assert answers[0] == exported["columns"]
    assert len(answers) == 1 + len(exported["rows"]) == 5
    nick = next(c for row in book["Answers"].iter_rows() for c in row if c.value == "=SUM(1,2)")
    assert nick.data_type == "s"
    people = cells(book["Participants"])
    assert people[0][:2] == ["nickname", "joined"] and len(people) == 3


def test_poker_cards_appear_nowhere_before_their_reveal(api: Api) -> None:
    admin = api.admin()
    s = api.session(admin, "Planning")
    sid = s["id"]
    poker = add(api, admin, sid, "poker", "Estimates", POKER)
    aid = poker["id"]
    ann, bob = api.join(s["join_code"], "Ann"), api.join(s["join_code"], "Bob")
    answer(api, sid, aid, ann["token"], {"card": SECRET_CARDS[0]})
    answer(api, sid, aid, bob["token"], {"card": SECRET_CARDS[1]})

    def seen_cards() -> dict[str, list[str]]:
        """Every place a card value could show, with the values found there."""
        found: dict[str, list[str]] = {}
        report = api.ok("GET", f"/api/sessions/{sid}/report", admin)["activities"][0]
        results = api.ok("GET", f"/api/sessions/{sid}/activities/{aid}/results", admin)
        for where, doc in (("report", report), ("results", results)):
            rounds = doc["results"]["items"][0]["rounds"]
            found[f"{where} votes"] = [v["card"] for r in rounds for v in r.get("votes", [])]
            found[f"{where} cards"] = [
                c["value"]
                for b in doc["display"]
                if b["kind"] == "cards"
                for c in b["cards"]
                if c["value"] is not None
            ]
        rows = api.ok("GET", f"/api/sessions/{sid}/export?format=json", admin)["rows"]
        found["json export"] = [r["card"] for r in rows if r["card"]]
        csv_text = api.request("GET", f"/api/sessions/{sid}/export", admin).text
        found["csv export"] = [c for c in SECRET_CARDS if f",{c}," in csv_text]
        book = workbook(api, admin, sid)
        found["xlsx"] = [
            str(c)
            for name in book.sheetnames
            for row in cells(book[name])
            for c in row
            if str(c) in SECRET_CARDS
        ]
        return found

    before = seen_cards()
    assert all(values == [] for values in before.values()), before
    # Who voted is no secret.
    report = api.ok("GET", f"/api/sessions/{sid}/report", admin)["activities"][0]
    rounds = report["results"]["items"][0]["rounds"]
    assert sorted(v["nickname"] for v in rounds[0]["voters"]) == ["Ann", "Bob"]
    assert len(api.ok("GET", f"/api/sessions/{sid}/export?format=json", admin)["rows"]) == 2

    api.ok("POST", f"/api/sessions/{sid}/activities/{aid}/actions/reveal", admin)
    after = seen_cards()
    for where in ("report votes", "results votes", "report cards", "json export", "csv export"):
        assert sorted(after[where]) == sorted(SECRET_CARDS), (where, after)
    assert set(after["xlsx"]) == set(SECRET_CARDS)  # cards, distribution, answers

    # The next round is sealed again while the first stays revealed.
    api.ok("POST", f"/api/sessions/{sid}/activities/{aid}/actions/revote", admin)
    answer(api, sid, aid, ann["token"], {"card": "100"})
    rows = api.ok("GET", f"/api/sessions/{sid}/export?format=json", admin)["rows"]
    assert sorted(r["card"] for r in rows) == ["", *sorted(SECRET_CARDS)]


def test_a_failing_type_does_not_break_the_report(api: Api) -> None:
    admin = api.admin()
    s = api.session(admin)
    api.activity(admin, s["id"], type="crash", title="Boom", config={})
    report = api.ok("GET", f"/api/sessions/{s['id']}/report", admin)
    assert report["activities"][0]["error"] == "The activity type failed to compute its results"
    assert report["activities"][0]["display"] == []
    assert workbook(api, admin, s["id"]).sheetnames[1] == "1 Boom"


def test_display_blocks_become_tables() -> None:
    assert block_rows({"kind": "bars", "bars": [{"label": "a", "count": 2, "percent": 50.0}]}) == (
        ["label", "count", "percent"],
        [["a", 2, 50.0]],
    )
    row = {"rank": 1, "name": "Ann", "score": 900.0, "detail": "3/3"}
    assert block_rows({"kind": "leaderboard", "rows": [row]})[1] == [[1, "Ann", 900.0, "3/3"]]
    assert block_rows({"kind": "podium", "places": [row]})[0] == ["rank", "name", "score", "detail"]
    cards = {"kind": "cards", "cards": [{"label": "Ann", "value": None, "face_up": False}]}
    assert block_rows(cards)[1] == [["Ann", "(face down)", None]]
    stats = {"kind": "stats", "stats": [{"label": "Average", "value": "5"}]}
    assert block_rows(stats) == (["label", "value"], [["Average", "5"]])
    table = {"kind": "table", "columns": ["Item", "Estimate"], "rows": [["Login", "5"]]}
    assert block_rows(table) == (["Item", "Estimate"], [["Login", "5"]])
    cloud = {"kind": "cloud", "words": [{"text": "sun", "weight": 3}]}
    assert block_rows(cloud) == (["text", "weight"], [["sun", 3]])
    entry = {"id": "e1", "text": "Why?", "author": None, "votes": 4, "tags": ["answered"]}
    assert block_rows({"kind": "entries", "entries": [entry]}) == (
        ["text", "author", "votes", "tags", "created"],
        [["Why?", "", 4, "answered", None]],
    )
    assert block_rows({"kind": "spotlight", "text": "Why?", "caption": "Ann"})[1] == [
        ["Why?", "Ann"]
    ]


def test_sheet_names_are_excel_safe_and_unique() -> None:
    taken = {"summary", "answers"}
    assert sheet_name(1, "What? [draft]: a/b", taken) == "1 What draft a b"
    long = "A very long activity title that goes on"
    first = sheet_name(2, long, taken)
    assert len(first) == 31
    second = sheet_name(2, long, taken)
    assert second != first and len(second) <= 31 and second.endswith("(2)")
