"""One way to wait for a worker: poll a condition a user would see (a message received, a file ready) until it
holds or the time is up, then fail naming what never came. Never a bare sleep before an assertion."""

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def wait_until(condition: Callable[[], T], *, what: str, timeout: float = 30.0, every: float = 0.1) -> T:
    """The condition's first true value; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}, in vain")
        time.sleep(every)
