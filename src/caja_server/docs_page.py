"""The Swagger UI page at ``/api/docs``, with a CSP that allows only its own inline script
(by hash) and the Swagger assets it loads, instead of blanket ``'unsafe-inline'``."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_CDN = "https://cdn.jsdelivr.net"


def _csp_for(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {_CDN} {hashes}",
            f"style-src 'self' {_CDN} 'unsafe-inline'",
            "img-src 'self' data: https://fastapi.tiangolo.com",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


def add_docs_route(app: FastAPI, path: str, openapi_url: str) -> None:
    """Serve Swagger UI for ``openapi_url`` at ``path`` (not in the schema)."""
    html = bytes(get_swagger_ui_html(openapi_url=openapi_url, title="Caja API").body).decode()
    csp = _csp_for(html)

    @app.get(path, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})
