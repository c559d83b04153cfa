"""Serving the built web UI: hashed assets with a long cache, and the single-page app's
``index.html`` for its client-side routes (``/``, ``/admin*``, ``/present/*``, ``/join*``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

SPA_PATHS = (
    "/",
    "/admin",
    "/admin/{rest:path}",
    "/present/{rest:path}",
    "/join",
    "/join/{rest:path}",
)


class ImmutableStaticFiles(StaticFiles):
    """Static files whose names carry a content hash: cache them for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def mount_web_ui(app: FastAPI, static_dir: Path) -> bool:
    """Serve the UI from ``static_dir`` when it holds an ``index.html``; otherwise send
    ``/`` to the API docs. Returns whether a UI is served."""
    index = static_dir / "index.html"
    if not index.is_file():

        @app.get("/", include_in_schema=False)
        def no_ui() -> RedirectResponse:
            return RedirectResponse("/api/docs")

        return False

    assets = static_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", ImmutableStaticFiles(directory=assets), name="assets")

    def spa_index() -> FileResponse:
        # The page itself must be revalidated, so a new release is picked up at once.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    for path in SPA_PATHS:
        app.add_api_route(path, spa_index, methods=["GET"], include_in_schema=False)

    # Top-level files such as favicon.ico or robots.txt.
    for file in sorted(static_dir.iterdir()):
        if file.is_file() and file.name != "index.html":
            app.add_api_route(
                f"/{file.name}",
                _file_endpoint(file),
                methods=["GET"],
                include_in_schema=False,
                name=f"static_{file.name}",
            )
    return True


def _file_endpoint(file: Path) -> Callable[[], FileResponse]:
    def serve() -> FileResponse:
        return FileResponse(file, headers={"Cache-Control": "public, max-age=3600"})

    return serve
