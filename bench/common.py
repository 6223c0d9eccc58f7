"""What the page benchmarks share: a database of their own with the portal's settings for a benchmark, the p95 of
a page through the real view, and gunicorn started as a server and stopped after."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1)


def bench_environment(*, admin_url: str, database: str, redis: str, **extra: str) -> None:
    """The portal's settings for a benchmark (DEBUG off, its own PostgreSQL database made afresh, Redis), before
    django.setup()."""
    from bench.fanout import recreate_database

    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_COOKIE_SECURE="0",
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=admin_url.rsplit("/", 1)[0] + "/" + database,
        REDIS_URL=redis,
        CELERY_BROKER_URL=redis,
        PORTAL_VAR_DIR=str(var_dir),
        **extra,
    )
    recreate_database(admin_url, database)


def measure(
    client: Any, url: str, repeat: int, params: dict | None = None, before: Callable[[], Any] | None = None
) -> tuple[float, Any]:
    """The p95 of `repeat` answers to one page through the real view (Django's test client); `before` runs
    before each request, uncounted."""
    client.get(url, params or {})  # not counted: the process's first look at a page loads its templates
    timings = []
    response = None
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url, params or {})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return p95(timings), response


@contextmanager
def gunicorn(env: dict, *, workers: int, threads: int) -> Iterator[int]:
    """gunicorn serving the portal on a free port (yielded) once /health/ answers; stopped gracefully after."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health/", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()  # the arbiter stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
