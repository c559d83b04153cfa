"""The web side: the built UI and its SPA fallback, security headers, request ids, the
OpenAPI document's quality and the docs page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import LiveServer, make_app, make_settings

INDEX = "<!doctype html><title>Caja</title><div id=root></div>"


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with a (fake) built UI in its static directory."""
    static: Path = tmp_path_factory.mktemp("static")
    (static / "index.html").write_text(INDEX)
    (static / "assets").mkdir()
    (static / "assets" / "app-1a2b3c.js").write_text("console.log('caja')")
    (static / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    # What the frontend build copies from swagger-ui-dist (stand-ins; tests/install checks
    # the real build's).
    swagger = static / "swagger-ui"
    swagger.mkdir()
    (swagger / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = function () {};")
    (swagger / "swagger-ui.css").write_text(".swagger-ui {}")
    (swagger / "favicon-32x32.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings = make_settings(static_dir=static, static_url="https://static.example.org/ui/")
    server = LiveServer(make_app(settings))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def ui(ui_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ui_server) as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/", "/admin", "/admin/sessions/123", "/present/abc", "/join", "/join/K7PX3M"]
)
def test_spa_routes_serve_index_html(ui: httpx.Client, path: str) -> None:
    r = ui.get(path)
    assert r.status_code == 200
    assert r.text == INDEX
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"


def test_assets_are_cached_for_long(ui: httpx.Client) -> None:
    r = ui.get("/assets/app-1a2b3c.js")
    assert r.status_code == 200
    assert "immutable" in r.headers["cache-control"]
    assert "max-age=31536000" in r.headers["cache-control"]
    assert ui.get("/assets/missing.js").status_code == 404
    assert ui.get("/favicon.ico").content == b"\x00\x00\x01\x00"


def test_unknown_paths_are_404_not_the_spa(ui: httpx.Client) -> None:
    r = ui.get("/api/unknown")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    assert ui.get("/elsewhere").status_code == 404


def test_security_headers_on_pages_and_api(ui: httpx.Client) -> None:
    for path in ("/", "/api/activity-types", "/api/nope"):
        r = ui.get(path)
        csp = r.headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_docs_page_allows_only_its_own_inline_script(ui: httpx.Client) -> None:
    r = ui.get("/api/docs")
    assert r.status_code == 200
    assert "SwaggerUIBundle" in r.text
    script_src = next(
        d for d in r.headers["content-security-policy"].split(";") if "script-src" in d
    )
    assert "'unsafe-inline'" not in script_src
    assert "'sha256-" in script_src


def _referenced(page: str) -> list[str]:
    """Every URL a page loads or points at: src/href attributes and quoted URLs in its
    scripts."""
    attributes = re.findall(r'(?:src|href)="([^"]+)"', page)
    in_scripts = re.findall(r"""(?:url|Url)["']?\s*:\s*["']([^"']+)["']""", page)
    return attributes + in_scripts


def test_docs_page_loads_only_same_origin_assets_and_they_are_served(ui: httpx.Client) -> None:
    """Swagger UI works offline: its script, style, icon and the OpenAPI document all come
    from this server, nothing from a CDN (issue 17)."""
    r = ui.get("/api/docs")
    urls = _referenced(r.text)
    assert {"/api/docs/swagger-ui/swagger-ui-bundle.js", "/api/openapi.json"} <= set(urls), urls
    assert not re.search(r"https?://|//[a-z]", r.text), "the docs page names another origin"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        got = ui.get(url)
        assert got.status_code == 200, url
        assert got.content, url
    types = {
        "/api/docs/swagger-ui/swagger-ui-bundle.js": "javascript",
        "/api/docs/swagger-ui/swagger-ui.css": "text/css",
    }
    for url, kind in types.items():
        assert kind in ui.get(url).headers["content-type"], url
    csp = r.headers["content-security-policy"]
    assert "http" not in csp, csp
    assert '"validatorUrl": null' in r.text  # no badge image from swagger.io


def test_docs_page_without_a_built_ui_loads_nothing(live: LiveServer) -> None:
    r = httpx.get(f"{live.url}/api/docs")
    assert r.status_code == 200
    assert "/api/openapi.json" in r.text
    assert not re.search(r"https?://", r.text)
    assert "<script" not in r.text
    assert httpx.get(f"{live.url}/api/docs/swagger-ui/swagger-ui-bundle.js").status_code == 404


def test_request_id_is_echoed_or_made(ui: httpx.Client) -> None:
    mine = "req-1234567890"
    assert ui.get("/healthz", headers={"X-Request-ID": mine}).headers["x-request-id"] == mine
    made = ui.get("/healthz", headers={"X-Request-ID": "bad id; drop table"})
    assert made.headers["x-request-id"] != "bad id; drop table"
    assert len(made.headers["x-request-id"]) == 32


def test_without_a_ui_the_root_points_to_the_docs(live: LiveServer) -> None:
    r = httpx.get(f"{live.url}/", follow_redirects=False)
    assert r.status_code in (302, 307)
    assert r.headers["location"] == "/api/docs"


def test_openapi_is_complete_for_a_generated_client(ui: httpx.Client) -> None:
    doc = ui.get("/api/openapi.json").json()
    seen: set[str] = set()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary"), f"{where} has no summary"
            op_id = op["operationId"]
            assert op_id.isidentifier(), f"{where}: operation id {op_id!r}"
            assert op_id not in seen, f"duplicate operation id {op_id}"
            seen.add(op_id)
            statuses = set(op["responses"])
            assert any(s.startswith("2") for s in statuses), where
            if path.startswith("/api/") and op.get("parameters"):
                assert "422" in statuses, f"{where} does not declare 422"
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")) and "content" in response:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith(("/ErrorBody", "/ReadyOut")), (where, status)
    assert {"create_session", "get_state", "submit_answer", "join_session"} <= seen
    # FastAPI's default validation error body is not ours: it must not be advertised.
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_the_csp_allows_the_asset_cdn_only_when_configured(
    ui: httpx.Client, live: LiveServer
) -> None:
    def script_src(csp: str) -> str:
        return next(d.strip() for d in csp.split(";") if d.strip().startswith("script-src"))

    with_cdn = script_src(ui.get("/").headers["content-security-policy"])
    assert with_cdn == "script-src 'self' https://static.example.org"
    default = httpx.get(f"{live.url}/healthz").headers["content-security-policy"]
    assert script_src(default) == "script-src 'self'"
