"""The micro-benchmarks under ``bench/`` run (tiny sizes) and print what they promise, so
they do not rot between the times someone measures with them. Numbers are not asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_answer_batches_stores_every_answer_of_every_type(database_url: str) -> None:
    out = _run(
        "answer_batches.py", "--participants", "40", "--batch", "16", "--database-url", database_url
    )
    rows = {m[1]: m for m in re.finditer(r"^(\w+)\s+(\d+)\s+(\d+)\s+([\d,]+)$", out, re.M)}
    assert set(rows) == {"poll", "poker", "quiz", "wordcloud", "scale", "ranking"}, out
    assert all(int(m[4].replace(",", "")) == 40 for m in rows.values()), out


def test_aggregation_times_every_built_in_type() -> None:
    out = _run("aggregation.py", "--answers", "50", "--repeat", "1")
    assert {"poll", "poker", "quiz", "wordcloud", "scale", "ranking", "qna", "opentext"} <= set(
        re.findall(r"^(\w+)\s+[\d.]+ /", out, re.M)
    )
