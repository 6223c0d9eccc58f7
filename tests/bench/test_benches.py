"""Every benchmark under bench/ runs here at a tiny size (seconds), so a change that breaks one fails the suite:
each must finish and print its figures as one JSON object on its last line. The figures are for the notes, never
asserted as times; the full sizes stay for measuring (`python bench/<name>.py --help`)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[2]


def run(*arguments: str) -> dict:
    done = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_campaign_benchmark_runs_its_pages_and_recording_under_load():
    figures = run(
        "bench/campaigns.py",
        *("--contributions", "2000", "--repeat", "2", "--record-seconds", "1", "--record-threads", "2"),
        *("--gunicorn-workers", "1", "--gunicorn-threads", "2"),
    )
    assert figures["contributions"] == 2000 and figures["record_per_s"] > 0
    assert {"progress_vs_naive", "dashboard_vs_naive"} <= figures.keys()


def test_the_triage_benchmark_runs_the_queue_and_the_public_form():
    figures = run(
        "bench/triage.py", *("--rows", "2000", "--repeat", "2", "--submit-seconds", "1", "--submit-threads", "2")
    )
    assert figures["rows"] == 2000 and figures["submit_per_s"] > 0 and "deep_vs_offset" in figures


def test_the_fanout_benchmark_delivers_each_message_once():
    # Without --faults: the suite's own fault tests (tests/announcements/test_provider_faults.py) cover those.
    figures = run("bench/fanout.py", *("--recipients", "1500", "--naive-sample", "100"))
    # What the benchmark itself checks, and a user would notice: nobody missed, nobody texted twice.
    assert (figures["lost"], figures["duplicates"], figures["naive_duplicates"]) == (0, 0, 0)
    assert figures["ward_handoff_lost"] == figures["ward_handoff_duplicates"] == 0


def test_the_province_benchmark_runs_its_page_alert_handoff_and_report():
    figures = run(
        "bench/province.py",
        *("--wards", "3", "--households", "200", "--reports", "1000", "--handoff", "300", "--page-repeat", "5"),
        *("--history", "300"),
        # Its own database: a full run of the benchmark (bench_province) may be going on beside the suite.
        *("--database", "bench_province_suite", "--redis", "redis://127.0.0.1:6379/11"),
    )
    assert figures["alert_parts"] == 3 and figures["alert_recipients"] == figures["members"] > 0
    # What a user would notice: every resident of every ward warned once, and the ward's own notice delivered.
    assert (figures["lost"], figures["duplicates"]) == (0, 0)
    assert (figures["ward_handoff_lost"], figures["ward_handoff_duplicates"]) == (0, 0)
    assert {"province_page_p95_ms", "page_vs_naive", "ward_handoff_during_alert_s", "province_report_s"} <= set(figures)
    # The alert sent again on one plain table holding the same year of deliveries, for the comparison.
    assert figures["history_deliveries"] > 0 and figures["alert_deliveries_per_s_unpartitioned"] > 0
    assert "partitioned_slower_pct" in figures
