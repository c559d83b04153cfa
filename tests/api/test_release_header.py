"""Every answer names the release (``X-Caja-Release``), so the web app reloads after a switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from caja_core import __version__
from caja_server.release import release_name

from .conftest import Api, Scene, make_app, make_settings


def test_the_release_is_the_version_and_the_web_apps_hash(tmp_path: Path) -> None:
    assert release_name("", tmp_path) == __version__  # no web app built
    (tmp_path / "index.html").write_text('<script src="/assets/index-abc123.js"></script>')
    first = release_name("", tmp_path)
    assert first.startswith(f"{__version__}+") and len(first) == len(__version__) + 9
    (tmp_path / "index.html").write_text('<script src="/assets/index-def456.js"></script>')
    assert release_name("", tmp_path) != first  # a new web app is a new release
    assert release_name("v0.2.0-3f2a9c1", tmp_path) == "v0.2.0-3f2a9c1"  # CAJA_RELEASE


def test_every_answer_carries_the_release(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html></html>")
    client = TestClient(make_app(make_settings(static_dir=tmp_path, release="build-42")))
    for path in ("/healthz", "/readyz", "/api/plugins", "/api/nothing-here", "/join"):
        assert client.get(path).headers["X-Caja-Release"] == "build-42", path


def test_state_documents_carry_it(api: Api, scene: Scene) -> None:
    first = api.request("GET", f"/api/sessions/{scene.sid}/state", scene.ptoken)
    assert first.status_code == 200
    assert first.headers["X-Caja-Release"] == __version__  # the test servers have no web app


def test_a_release_name_is_a_plain_token() -> None:
    with pytest.raises(ValueError, match="release"):
        make_settings(release="bad name\r\nX-Evil: 1")
