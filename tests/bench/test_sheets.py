"""bench/sheets.py runs at a tiny size in the suite, so a change that breaks it fails here."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[2]


def test_the_sheet_benchmark_runs_and_prints_its_figures():
    done = subprocess.run(
        [sys.executable, "bench/sheets.py", "--lines", "2000", "--naive-lines", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["lines"] == 2000 and figures["refused_s"] >= 0 and figures["naive_lines"] == 20
