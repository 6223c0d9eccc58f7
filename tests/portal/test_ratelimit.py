"""Provider rate limits are per account and shared by every worker process, not counted per worker."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from portal import ratelimit

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
        f"from portal import ratelimit; [ratelimit.take({bucket!r}, rate=1, burst=4) for _ in range(4)]"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)

    assert ratelimit.take(bucket, rate=1, burst=4) > 0.5


def test_accounts_do_not_share_a_bucket(bucket):
    for _ in range(3):
        ratelimit.take(bucket, rate=1, burst=3)

    assert ratelimit.take(bucket + "-other", rate=1, burst=3) == 0
