"""The Swagger UI page at ``/api/docs``, served entirely by this server: the swagger-ui
assets come from the built web UI's ``swagger-ui/`` folder (the ``swagger-ui-dist`` npm
package, copied there by the frontend build, ``frontend/vite.config.ts``), so the docs work
offline and load no third-party script. The page's CSP allows only its own inline script (by
hash) and same-origin assets, instead of blanket ``'unsafe-inline'``.

Without a built UI (a checkout before ``make ui``) the page says where the OpenAPI
document is instead of loading anything from elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_escape
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

SWAGGER_UI_DIR = "swagger-ui"
"""The folder of the built web UI that holds swagger-ui's files."""
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _csp_for(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            # swagger-ui sets style attributes as it renders.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _unbuilt_page(openapi_url: str) -> str:
    url = html_escape.escape(openapi_url)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Caja API</title></head>"
        "<body><h1>Caja API</h1><p>The interactive docs come with the built web UI "
        "(<code>make ui</code>, or any installed release). The OpenAPI document is at "
        f'<a href="{url}">{url}</a>.</p></body></html>'
    )


def add_docs_route(app: FastAPI, path: str, openapi_url: str, static_dir: Path) -> None:
    """Serve Swagger UI for ``openapi_url`` at ``path`` (not in the schema), its assets
    under ``{path}/swagger-ui/`` from ``static_dir/swagger-ui``."""
    assets = static_dir / SWAGGER_UI_DIR
    if (assets / "swagger-ui-bundle.js").is_file():
        base = f"{path}/{SWAGGER_UI_DIR}"
        app.mount(base, StaticFiles(directory=assets), name="swagger_ui")
        html = bytes(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title="Caja API",
                swagger_js_url=f"{base}/swagger-ui-bundle.js",
                swagger_css_url=f"{base}/swagger-ui.css",
                swagger_favicon_url=f"{base}/favicon-32x32.png",
                # No validator badge: it is an image from swagger.io.
                swagger_ui_parameters={"validatorUrl": None},
            ).body
        ).decode()
    else:
        html = _unbuilt_page(openapi_url)
    csp = _csp_for(html)

    @app.get(path, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})
