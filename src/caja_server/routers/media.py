"""Images for quiz questions and poll options: upload (presenters) and serving (anyone)."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Path, Request, Response, status
from starlette.exceptions import HTTPException

from caja_core.errors import ValidationFailed
from caja_server.deps import AppSettings, CurrentAdmin
from caja_server.errors import error_responses
from caja_server.event_schemas import MediaOut
from caja_server.media_images import FORMATS, ImageRefused, process_image
from caja_server.media_store import (
    CACHE_CONTROL,
    NAME,
    MediaStore,
    MediaUnavailable,
    media_url,
)

log = structlog.get_logger(__name__)

router = APIRouter(tags=["media"])

UPLOAD_PATH = "/api/media"
_IMAGE_TYPES = sorted({content_type for content_type, _ in FORMATS.values()})


def get_media_store(request: Request) -> MediaStore:
    """The app's media store."""
    store: MediaStore = request.app.state.media
    return store


Store = Annotated[MediaStore, Depends(get_media_store)]


async def upload_body(request: Request) -> bytes:
    """The request body: the image's bytes."""
    return await request.body()


@router.post(
    UPLOAD_PATH,
    summary="Upload an image",
    status_code=status.HTTP_201_CREATED,
    response_model=MediaOut,
    responses=error_responses(401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The image file itself (PNG, JPEG, WebP or GIF, at most 5 MiB by "
            "default); its content decides, not its name or Content-Type",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in _IMAGE_TYPES
            },
        }
    },
)
def upload_media(
    data: Annotated[bytes, Depends(upload_body)],
    admin: CurrentAdmin,
    store: Store,
    settings: AppSettings,
) -> MediaOut:
    """Store an image for a quiz question or poll option and get its URL (put it in the
    config's ``image_url``). The image is re-encoded without its metadata (EXIF, GPS,
    comments) and named by its content: the same picture twice is one file and one URL."""
    try:
        image = process_image(data, settings.media_max_bytes)
    except ImageRefused as exc:
        if exc.too_large:
            raise HTTPException(413, exc.detail) from None
        raise ValidationFailed(
            exc.detail, [{"loc": ["body"], "msg": exc.detail, "type": "image_refused"}]
        ) from None
    try:
        store.put(image.name, image.data, image.content_type)
    except MediaUnavailable as exc:
        log.error("media_store_failed", error=str(exc))
        raise HTTPException(503, "The media store is unavailable; try again shortly") from None
    log.info("media_uploaded", name=image.name, bytes=len(image.data), admin=admin.username)
    return MediaOut(
        url=media_url(settings, image.name),
        name=image.name,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        bytes=len(image.data),
    )


@router.get(
    "/media/{name}",
    summary="An uploaded image",
    response_class=Response,
    responses={
        200: {
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in _IMAGE_TYPES}
        },
        **error_responses(404, 422),
    },
)
def get_media(name: Annotated[str, Path(description="<sha256>.<ext>")], store: Store) -> Response:
    """An uploaded image, cached for a year (its name is its content's hash). Served from
    either store, so the URL works with or without a CDN in front."""
    if not NAME.match(name):
        raise HTTPException(404, f"No such image: {name}")
    try:
        found = store.get(name)
    except MediaUnavailable as exc:
        log.error("media_store_failed", error=str(exc))
        raise HTTPException(503, "The media store is unavailable; try again shortly") from None
    if found is None:
        raise HTTPException(404, f"No such image: {name}")
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            "Cache-Control": CACHE_CONTROL,
            "ETag": f'"{name.split(".")[0]}"',
            "Content-Disposition": "inline",
        },
    )
