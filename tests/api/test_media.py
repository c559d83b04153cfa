"""Image uploads over HTTP with the local store: checked by content, re-encoded without
metadata, content-addressed, served with a long cache, nothing half-written."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from caja_server.media_images import ImageRefused, process_image
from caja_server.media_store import LocalMediaStore, MediaUnavailable

from . import media_samples as samples
from .conftest import Api, LiveServer, make_app, make_settings


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def live(media_dir: Path) -> Iterator[LiveServer]:
    """This module's server stores uploads in ``media_dir``."""
    server = LiveServer(make_app(make_settings(media_dir=media_dir)))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def empty_media_dir(media_dir: Path) -> None:
    for path in media_dir.iterdir():
        path.unlink()


def upload(api: Api, token: str | None, data: bytes, content_type: str = "image/png"):
    return api.request(
        "POST", "/api/media", token, content=data, headers={"Content-Type": content_type}
    )


def stored(media_dir: Path) -> list[str]:
    return sorted(p.name for p in media_dir.iterdir())


def test_upload_then_serve_with_a_long_cache(api: Api, media_dir: Path) -> None:
    admin = api.admin()
    original = samples.png(text="secret")
    r = upload(api, admin, original, content_type="application/octet-stream")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["content_type"] == "image/png"
    assert (body["width"], body["height"]) == (40, 30)
    assert body["url"] == f"/media/{body['name']}"
    assert stored(media_dir) == [body["name"]]
    served = api.request("GET", body["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.content == (media_dir / body["name"]).read_bytes()
    image = Image.open(io.BytesIO(served.content))
    assert "Comment" not in image.info  # the text chunk is gone
    # The same picture again: the same name, still one file.
    again = upload(api, admin, original)
    assert again.json()["url"] == body["url"] and stored(media_dir) == [body["name"]]
    assert api.request("GET", "/media/" + "0" * 64 + ".png").status_code == 404
    assert api.request("GET", "/media/..%2Fcaja.db").status_code == 404


def test_every_format_is_accepted_and_jpeg_metadata_is_dropped(api: Api) -> None:
    admin = api.admin()
    for data, content_type, frames in (
        (samples.jpeg_with_exif(), "image/jpeg", 1),
        (samples.gif_animation(4), "image/gif", 4),
        (samples.webp(), "image/webp", 1),
    ):
        r = upload(api, admin, data)
        assert r.status_code == 201, r.text
        assert r.json()["content_type"] == content_type
        image = Image.open(io.BytesIO(api.request("GET", r.json()["url"]).content))
        assert getattr(image, "n_frames", 1) == frames
        assert not image.getexif(), "EXIF survived"
        assert "comment" not in image.info
    # The JPEG's orientation tag was applied to its pixels: 60x20 rotated is 20x60.
    rotated = upload(api, admin, samples.jpeg_with_exif()).json()
    assert (rotated["width"], rotated["height"]) == (20, 60)


def test_bad_uploads_are_clear_4xx_and_leave_nothing(api: Api, media_dir: Path) -> None:
    admin = api.admin()
    cases = [
        (b"", 422, "empty"),
        (b"just text pretending to be a png", 422, "Not a PNG, JPEG, WebP or GIF"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', 422, "Not a PNG"),
        (samples.png()[:60], 422, "damaged"),
        (samples.png_claiming(50_000, 50_000), 422, "pixels"),
        (samples.png_claiming(9000, 10), 422, "8192 pixels"),
        (b"\x89PNG" + b"\x00" * (5 * 1024 * 1024), 413, "larger than"),
        (b"\x00" * (6 * 1024 * 1024), 413, "larger than"),
    ]
    for data, status, words in cases:
        r = upload(api, admin, data)
        assert r.status_code == status, (words, r.status_code, r.text)
        assert words in r.json()["detail"], r.text
    assert stored(media_dir) == []


def test_only_presenters_upload(api: Api) -> None:
    admin = api.admin()
    session = api.session(admin)
    joined = api.join(session["join_code"], "Ann")
    assert upload(api, None, samples.png()).status_code == 401
    assert upload(api, joined["token"], samples.png()).status_code == 403


def test_poll_options_and_quiz_questions_take_uploaded_images(api: Api) -> None:
    admin = api.admin()
    url = upload(api, admin, samples.png()).json()["url"]
    session = api.session(admin, start=False)
    poll = {
        "question": "Which?",
        "options": [{"text": "This", "image_url": url}, {"text": "That"}],
    }
    api.ok(
        "POST",
        f"/api/sessions/{session['id']}/activities",
        admin,
        201,
        json={"type": "poll", "title": "Pictures", "config": poll},
    )
    quiz = {
        "questions": [
            {"kind": "true_false", "text": "Is this a cat?", "image_url": url, "correct": False}
        ]
    }
    api.ok(
        "POST",
        f"/api/sessions/{session['id']}/activities",
        admin,
        201,
        json={"type": "quiz", "title": "Look", "config": quiz},
    )


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    store = LocalMediaStore(tmp_path)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(MediaUnavailable, match="No space left"):
        store.put("a" * 64 + ".png", b"data", "image/png")
    assert list(tmp_path.iterdir()) == []


def test_processing_refuses_what_is_not_an_image() -> None:
    with pytest.raises(ImageRefused, match="too many frames"):
        process_image(samples.gif_animation(301))
    with pytest.raises(ImageRefused) as caught:
        process_image(samples.png(), max_bytes=10)
    assert caught.value.too_large
