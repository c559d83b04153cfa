"""Files an activity type ships for the browser (its web component module, images)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from caja_core.errors import NotFound
from caja_server.deps import Host

router = APIRouter(tags=["catalog"])


@router.get(
    "/plugins/{type_name}/{file_path:path}",
    summary="A file an activity type publishes",
    include_in_schema=False,
)
def plugin_file(type_name: str, file_path: str, host: Host) -> FileResponse:
    """Serve a file from the activity type's ``static_dir``; nothing outside it."""
    activity_type = host.get(type_name) if type_name in host else None
    folder = activity_type.static_dir if activity_type is not None else None
    if folder is None:
        raise NotFound(f"Activity type '{type_name}' publishes no files")
    root = Path(folder).resolve()
    target = (root / file_path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFound("No such file")
    return FileResponse(target, headers={"Cache-Control": "public, max-age=3600"})
