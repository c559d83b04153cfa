"""An activity type's published files (its web component) are served from its static_dir."""

from __future__ import annotations

from .conftest import Api


def test_a_type_publishes_its_web_component(api: Api) -> None:
    r = api.http.get("/plugins/vote/vote.js")
    assert r.status_code == 200
    assert "customElements.define" in r.text
    assert r.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    types = {t["name"]: t for t in api.http.get("/api/activity-types").json()}
    assert types["vote"]["web_component"] == "/plugins/vote/vote.js"


def test_nothing_outside_the_folder_or_of_other_types_is_served(api: Api) -> None:
    # httpx folds a literal "/../" before sending; whatever the server makes of that, it
    # must not be the file.
    folded = api.http.get("/plugins/vote/../testplugin.py")
    assert folded.status_code != 200
    assert "hookimpl" not in folded.text
    for path in (
        "/plugins/vote/%2e%2e/testplugin.py",
        "/plugins/vote/%2e%2e%2ftestplugin.py",
        "/plugins/vote/missing.js",
        "/plugins/crash/anything.js",
        "/plugins/nope/anything.js",
    ):
        r = api.http.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"] == "not_found"
