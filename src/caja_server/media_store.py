"""Where uploaded images live: one interface, a local directory or an S3 bucket.

Names are content-addressed (``<sha256>.<ext>``, see :mod:`caja_server.media_images`), so a
stored file never changes and is cached for a year. Nothing half-written is ever visible: the
directory store writes a temporary file next to the final one and renames it; the S3 store
sends one ``PutObject`` of the finished bytes (S3 shows an object whole or not at all).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from caja_server.settings import Settings

NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|webp|gif)$")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
CACHE_CONTROL = "public, max-age=31536000, immutable"


class MediaUnavailable(Exception):
    """The store could not be written or read (a full disk, S3 unreachable)."""


@dataclass(frozen=True)
class StoredMedia:
    """A stored file's bytes and type."""

    data: bytes
    content_type: str


def content_type_of(name: str) -> str:
    """The media type of a stored name (by its extension, which the content decided)."""
    return CONTENT_TYPES[name.rsplit(".", 1)[1]]


class MediaStore(Protocol):
    """Stores uploaded images by name."""

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``name`` (a content hash: storing it again is harmless)."""

    def get(self, name: str) -> StoredMedia | None:
        """The file stored under ``name``, or None."""


class LocalMediaStore:
    """A directory on this machine (the default; one machine, or a shared volume)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Write to a temporary file in the same directory, then rename it into place."""
        final = self.directory / name
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if final.is_file():
                return
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.chmod(temporary, 0o644)
                os.replace(temporary, final)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise MediaUnavailable(f"can't write to {self.directory}: {exc.strerror}") from None

    def get(self, name: str) -> StoredMedia | None:
        """Read a stored file."""
        try:
            return StoredMedia((self.directory / name).read_bytes(), content_type_of(name))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise MediaUnavailable(f"can't read {name}: {exc.strerror}") from None


class S3MediaStore:
    """An S3 bucket (production: behind CloudFront, which serves ``<prefix><name>``)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "media/",
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.client = client or boto3.client(
            "s3",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5),
        )

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """One ``PutObject`` of the whole, already validated file."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + name,
                Body=data,
                ContentType=content_type,
                CacheControl=CACHE_CONTROL,
            )
        except (BotoCoreError, ClientError) as exc:
            raise MediaUnavailable(f"can't store in S3: {exc}") from None

    def get(self, name: str) -> StoredMedia | None:
        """``GetObject``; None when there is no such key."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise MediaUnavailable(f"can't read from S3: {exc}") from None
        except BotoCoreError as exc:
            raise MediaUnavailable(f"can't read from S3: {exc}") from None
        return StoredMedia(found["Body"].read(), content_type_of(name))


def media_store(settings: Settings) -> MediaStore:
    """The store the settings name (``CAJA_MEDIA_BACKEND``)."""
    if settings.media_backend == "s3":
        assert settings.media_s3_bucket is not None  # the settings refuse s3 without one
        return S3MediaStore(
            settings.media_s3_bucket,
            settings.media_s3_prefix,
            region=settings.media_s3_region,
            endpoint_url=settings.media_s3_endpoint_url,
        )
    return LocalMediaStore(settings.media_dir)


def media_url(settings: Settings, name: str) -> str:
    """Where a stored file is served: ``CAJA_MEDIA_URL`` + ``/`` + name."""
    return f"{settings.media_url}/{name}"
