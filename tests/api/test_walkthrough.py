"""docs/http.md's walk-through (curl and jq), run as the page shows it against a real
``caja-server``."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "http.md"
SCRIPT = str(Path(sys.executable).parent / "caja-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_http_walkthrough_runs_as_written(database_url: str, tmp_path: Path) -> None:
    assert shutil.which("curl") and shutil.which("jq"), "the walk-through needs curl and jq"
    text = DOC.read_text()
    block = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)```", text, re.S)
    assert block is not None, "docs/http.md marks its script with <!-- walkthrough -->"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAJA_")}
    env.update(CAJA_DATABASE_URL=database_url, CAJA_ADMIN_PASSWORD="correct horse battery")
    created = subprocess.run(
        [SCRIPT, "create-admin", "alice"], env=env, capture_output=True, text=True, timeout=300
    )
    assert created.returncode == 0, created.stderr
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "server.log").open("w") as log:
        server = subprocess.Popen(
            [SCRIPT, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 180  # a loaded 2-core machine starts slowly
            while True:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server never became healthy"
                time.sleep(0.1)
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", block.group(1)],
                env={**env, "BASE": base},
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(rf"big screen: {re.escape(base)}/present/[0-9a-f-]{{36}}", out), out
    results = json.loads(out[out.index("{") : out.rindex("}") + 1])
    assert results, out
    csv_header, csv_row = out.strip().splitlines()[-2:]
    assert "nickname" in csv_header, out
    assert "Bob" in csv_row and "Tea" in csv_row, out
