"""The container image: multi-stage, non-root, health check, proxy headers, keep-alive."""

from __future__ import annotations

import json
import re

from .tfconfig import MODULES, ROOT, variable_default

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


def runtime_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


def cmd() -> list[str]:
    (arguments,) = [args for op, args in runtime_stage() if op == "CMD"]
    parsed = json.loads(arguments)
    assert isinstance(parsed, list)
    return [str(part) for part in parsed]


def test_three_stages_ui_wheel_runtime_from_pinned_images() -> None:
    froms = [args for op, args in instructions() if op == "FROM"]
    assert [f.split(" AS ")[-1] for f in froms] == ["ui", "wheel", "runtime"]
    assert froms[0].startswith("node:")
    for image in froms:
        tag = image.split()[0].split(":", 1)[1]
        assert tag != "latest" and re.match(r"\d", tag), f"unpinned base image {image}"


def test_the_ui_is_built_with_npm_ci_into_the_wheel() -> None:
    steps = instructions()
    runs = " ".join(args for op, args in steps if op == "RUN")
    assert "npm ci" in runs
    assert "npm run build" in runs
    copies = [args for op, args in steps if op == "COPY"]
    assert "--from=ui /build/src/caja_server/static/ src/caja_server/static/" in copies
    assert "pip wheel --no-deps" in runs


def test_the_runtime_installs_the_locked_dependencies_then_the_wheel() -> None:
    runs = [args for op, args in runtime_stage() if op == "RUN"]
    joined = " ".join(runs)
    assert "--requirement /tmp/prod.lock" in joined
    assert "--no-deps /tmp/dist/*.whl" in joined
    assert joined.index("prod.lock") < joined.index("/tmp/dist/*.whl")


def test_it_runs_as_a_non_root_user() -> None:
    stage = runtime_stage()
    users = [args for op, args in stage if op == "USER"]
    assert users, "no USER in the runtime stage"
    assert users[-1].split(":")[0] not in {"root", "0"}
    user_index = max(i for i, (op, _) in enumerate(stage) if op == "USER")
    cmd_index = max(i for i, (op, _) in enumerate(stage) if op == "CMD")
    assert user_index < cmd_index


def test_the_health_check_hits_healthz() -> None:
    (check,) = [args for op, args in runtime_stage() if op == "HEALTHCHECK"]
    assert "/healthz" in check
    assert "--timeout=" in check


def test_migrations_run_before_the_server() -> None:
    script = cmd()[-1]
    assert script.index("caja-server migrate") < script.index("exec caja-server --host 0.0.0.0")


def test_forwarded_headers_are_trusted_only_from_configured_proxies() -> None:
    script = cmd()[-1]
    assert "--proxy-headers" in script
    assert '--forwarded-allow-ips "$CAJA_FORWARDED_ALLOW_IPS"' in script
    env = " ".join(args for op, args in runtime_stage() if op == "ENV")
    # The image's default trusts nobody but itself; never everybody.
    assert "CAJA_FORWARDED_ALLOW_IPS=127.0.0.1" in env
    assert "CAJA_FORWARDED_ALLOW_IPS=*" not in env


def test_keep_alive_outlives_the_load_balancer_idle_timeout() -> None:
    match = re.search(r"--timeout-keep-alive (\d+)", cmd()[-1])
    assert match, "no --timeout-keep-alive"
    keep_alive = int(match.group(1))
    idle_timeout = variable_default(MODULES / "load_balancer", "idle_timeout_seconds")
    assert keep_alive > idle_timeout
    assert keep_alive == 75


def test_the_build_context_leaves_out_local_artifacts() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignored  # allow-list: only what the Dockerfile copies
    assert "frontend/node_modules/" in ignored
    assert not any(line.startswith("!.venv") or line == "!.git" for line in ignored)
