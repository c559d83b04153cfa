"""Languages over HTTP: activity types' texts and their errors in the caller's language
(``?lang=``, else ``Accept-Language``), ``detail`` always English."""

from __future__ import annotations

from typing import Any

from .conftest import Api

POLL = {"question": "Tea or coffee?", "options": [{"text": "Tea"}, {"text": "Coffee"}]}


def _types(api: Api, **kw: Any) -> dict[str, Any]:
    return {t["name"]: t for t in api.ok("GET", "/api/activity-types", **kw)}


def test_activity_types_in_the_requested_language(api: Api) -> None:
    english = _types(api)
    assert english["poll"]["title"] == "Poll" and english["poll"]["language"] == "en"
    spanish = _types(api, params={"lang": "es"})["poll"]
    assert spanish["title"] == "Encuesta" and spanish["language"] == "es"
    props = spanish["config_schema"]["properties"]
    assert props["multiple"]["description"] == "Permitir elegir varias opciones"
    assert props["min_selections"]["title"] == "Mínimo de opciones"
    # Field names and values are not texts: they stay as they are.
    assert set(props) == set(english["poll"]["config_schema"]["properties"])
    assert {a["name"]: a["title"] for a in spanish["actions"]}["reveal"] == "Revelar resultados"
    arabic = _types(api, headers={"Accept-Language": "ar-EG,ar;q=0.9,en;q=0.1"})["quiz"]
    assert arabic["title"] == "اختبار" and arabic["language"] == "ar"
    # ?lang= wins over the header; a language nobody ships falls back to English.
    assert (
        _types(api, params={"lang": "de"}, headers={"Accept-Language": "fr"})["poll"]["title"]
        == "Umfrage"
    )
    assert _types(api, params={"lang": "pt"})["poll"]["title"] == "Poll"
    # A type without catalogs (the test plugin) is English in every language.
    assert _types(api, params={"lang": "fr"})["vote"]["title"] == english["vote"]["title"]


def test_an_activity_types_error_in_the_callers_language(api: Api) -> None:
    alice = api.admin()
    session = api.session(alice)
    api.activity(alice, session["id"], type="poll", title="Drinks", config=POLL)
    bob = api.join(session["join_code"])
    aid = api.ok("GET", f"/api/sessions/{session['id']}", alice)["activities"][0]["id"]
    url = f"/api/sessions/{session['id']}/activities/{aid}/responses"
    r = api.request(
        "POST",
        url,
        bob["token"],
        json={"data": {"choices": [7]}},
        headers={"Accept-Language": "fr"},
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"] == "There is no option 7 in this poll"
    assert body["message"] == "Ce sondage n\u2019a pas d\u2019option 7"
    assert body["params"] == {"option": 7} and body["language"] == "fr"


def test_host_errors_carry_a_code_and_params_beside_the_english_detail(api: Api) -> None:
    admin = api.admin()
    session = api.session(admin)
    api.activity(admin, session["id"])
    code = session["join_code"]
    wrong = api.request("POST", "/api/join", json={"join_code": "ZZZZZZ", "nickname": "Ann"})
    assert wrong.status_code == 404
    assert wrong.json()["code"] == "session_not_found"
    api.join(code, "Ann")
    taken = api.request("POST", "/api/join", json={"join_code": code, "nickname": "ann"})
    assert taken.status_code == 409
    body = taken.json()
    assert body["code"] == "nickname_taken"
    assert body["params"] == {"nickname": "ann", "suggestion": body["suggestion"]}
    assert body["detail"].startswith("The nickname 'ann' is taken")  # English, stable
    long = api.request("POST", "/api/join", json={"join_code": code, "nickname": "x" * 200})
    assert long.status_code == 422
    assert (long.json()["code"], long.json()["params"]) == ("nickname_too_long", {"max": 32})
    rude = api.request("POST", "/api/join", json={"join_code": code, "nickname": "sh1t"})
    assert rude.json()["code"] == "nickname_blocked"
