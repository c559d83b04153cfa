"""The S3 media store against a real S3-compatible server on 127.0.0.1: moto's server mode,
started here as its own process (not an in-process mock)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from caja_server.media_store import S3MediaStore

from . import media_samples as samples
from .conftest import Api, LiveServer, make_app, make_settings

pytestmark = pytest.mark.slow

BUCKET = "caja-test-media"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    moto = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, "moto_server exited"
            assert time.monotonic() < deadline, "moto_server did not start"
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def s3(s3_endpoint: str) -> Iterator[object]:
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    yield client
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def live(s3: object, s3_endpoint: str) -> Iterator[LiveServer]:
    settings = make_settings(
        media_backend="s3",
        media_s3_bucket=BUCKET,
        media_s3_prefix="media/",
        media_s3_region="eu-central-1",
        media_s3_endpoint_url=s3_endpoint,
        media_url="https://static.caja.example/media",
    )
    server = LiveServer(make_app(settings))
    server.start()
    yield server
    server.stop()


def keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_uploads_go_to_the_bucket_in_one_put(api: Api, s3) -> None:
    for key in keys(s3):
        s3.delete_object(Bucket=BUCKET, Key=key)
    admin = api.admin()
    r = api.request(
        "POST",
        "/api/media",
        admin,
        content=samples.jpeg_with_exif(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["url"] == f"https://static.caja.example/media/{body['name']}"
    assert keys(s3) == [f"media/{body['name']}"]
    head = s3.head_object(Bucket=BUCKET, Key=f"media/{body['name']}")
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    stored = s3.get_object(Bucket=BUCKET, Key=f"media/{body['name']}")["Body"].read()
    # The app serves it from the bucket too (no CDN in front).
    served = api.request("GET", f"/media/{body['name']}")
    assert served.status_code == 200 and served.content == stored
    assert api.request("GET", "/media/" + "f" * 64 + ".jpg").status_code == 404

    for bad in (b"not an image", samples.png()[:50], samples.png_claiming(60_000, 60_000)):
        refused = api.request("POST", "/api/media", admin, content=bad)
        assert refused.status_code == 422, (refused.text, bad[:20])
    assert keys(s3) == [f"media/{body['name']}"]  # nothing from the refused uploads


def test_the_store_on_its_own(s3, s3_endpoint: str) -> None:
    store = S3MediaStore(BUCKET, "other/", region="eu-central-1", endpoint_url=s3_endpoint)
    name = "b" * 64 + ".png"
    assert store.get(name) is None
    store.put(name, samples.png(), "image/png")
    found = store.get(name)
    assert found is not None and found.content_type == "image/png"
    assert found.data == samples.png()
    assert f"other/{name}" in keys(s3)
