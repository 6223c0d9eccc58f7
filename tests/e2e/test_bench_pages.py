"""bench/pages.py runs in the suite (it has no smaller size: five first visits), so a change that breaks it
fails here. Its figures are for the notes, not asserted."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.bench]
ROOT = Path(__file__).resolve().parents[2]


def test_the_page_benchmark_runs_and_measures_every_page(browser):
    done = subprocess.run(
        [sys.executable, "bench/pages.py"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(figures["pages"]) == {"ward", "report", "status", "campaign", "status_photo"}
    assert all(page["bytes"] > 1000 for page in figures["pages"].values())
