"""Provider rate limits are per account and shared by every worker process, not counted per worker."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from portal.common import ratelimit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bucket():
    if not settings.REDIS_URL:
        pytest.skip("the shared bucket needs Redis (make test provides it)")
    import redis

    key = "test-account"
    redis.Redis.from_url(settings.REDIS_URL).delete(f"ratelimit:{key}")
    return key


def test_the_bucket_lets_a_burst_through_then_asks_to_wait(bucket):
    waits = [ratelimit.take(bucket, rate=5, burst=5) for _ in range(6)]

    assert waits[:5] == [0, 0, 0, 0, 0]
    assert 0.1 < waits[5] <= 0.2  # one token comes back every 0.2 s


def test_tokens_taken_by_another_process_are_gone_for_this_one(bucket):
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings_test'); django.setup();"
        f"from portal.common import ratelimit; [ratelimit.take({bucket!r}, rate=1, burst=4) for _ in range(4)]"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)

    assert ratelimit.take(bucket, rate=1, burst=4) > 0.5


def test_accounts_do_not_share_a_bucket(bucket):
    for _ in range(3):
        ratelimit.take(bucket, rate=1, burst=3)

    assert ratelimit.take(bucket + "-other", rate=1, burst=3) == 0


@pytest.mark.parametrize("counted_in", ["redis", "cache"])
def test_a_phone_over_its_hourly_limit_stays_limited_from_a_new_ip(counted_in, settings):
    # With Redis the counts are pipelined on the process's own client; without it (the embedded `make run`)
    # they are kept in Django's cache. Both must count every key on every attempt.
    if counted_in == "cache":
        settings.REDIS_URL = ""
    attempts = [ratelimit.over_hourly_limit([f"ip:10.0.0.{n}", "phone:+84912345678"], 3) for n in range(5)]

    assert attempts == [False, False, False, True, True]
    assert ratelimit.over_hourly_limit(["ip:10.0.0.99"], 3) is False  # a new IP alone is not limited
