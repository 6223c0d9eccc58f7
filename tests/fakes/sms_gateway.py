"""A local fake of an eSMS-style brandname SMS gateway, speaking the shapes in CHANNELS.md.

It keeps what a test needs to judge exactly-once: how many messages each phone received.
"""

import itertools
import random
import re
import threading
import time
from collections import Counter
from typing import Any

import httpx

from tests.fakes.server import FakeServer, Request

VN_MOBILE = re.compile(r"^0[35789]\d{8}$")


class FakeSmsGateway(FakeServer):
    def __init__(
        self,
        *,
        api_key: str = "test-key",
        secret_key: str = "test-secret",
        brandname: str = "KETNOI",
        delay: float = 0.0,
        send_reports: bool = False,
    ) -> None:
        super().__init__()
        self.api_key, self.secret_key, self.brandname = api_key, secret_key, brandname
        self.delay = delay
        self.send_reports = send_reports
        self.received: Counter[str] = Counter()
        # Running counts a benchmark can read while millions arrive (summing `received` would itself slow the
        # gateway down): every number taken, and by its first two digits (09…, 03…).
        self.taken = 0
        self.by_prefix: Counter[str] = Counter()
        self.contents: list[tuple[str, str]] = []
        self.request_ids: set[str] = set()
        self.accepted_requests: dict[str, list[str]] = {}
        self.callback_urls: list[str] = []
        self.requests = 0
        self.bulk_requests = 0
        self.balance = 10**9
        self.failures: list[Any] = []  # scripted answers for the next requests: an HTTP status or a CodeResult
        self.faults: Faults | None = None
        self._ids = itertools.count(1)
        self.routes[("POST", "/SendMultipleMessage_V4_post_json")] = self._send

    def received_clear(self) -> None:
        """Forget every number received, so that a benchmark's next send is counted on its own."""
        with self.lock:
            self.received.clear()
            self.by_prefix.clear()
            self.taken = 0
            self.contents.clear()

    def fail_next(self, *answers: Any) -> None:
        with self.lock:
            self.failures.extend(answers)

    def _send(self, request: Request) -> tuple[int, Any]:
        if self.delay:
            time.sleep(self.delay)
        body = request.json()
        fault = self.faults.draw() if self.faults else None
        if fault == "error":
            with self.lock:
                self.requests += 1
            return 500, {"error": "injected"}
        status, answer = self._accept(body)
        if fault == "late":
            time.sleep(self.faults.late_seconds)  # it was taken; the answer comes after the client gave up
        return status, answer

    def _accept(self, body: dict) -> tuple[int, Any]:
        with self.lock:
            self.requests += 1
            if self.failures:
                answer = self.failures.pop(0)
                if isinstance(answer, int):
                    return answer, {"error": "scripted"}
                return 200, {"CodeResult": str(answer), "ErrorMessage": "scripted"}
            if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret_key:
                return 200, {"CodeResult": "101", "ErrorMessage": "Sai ApiKey hoac SecretKey"}
            if body.get("Brandname") != self.brandname:
                return 200, {"CodeResult": "104", "ErrorMessage": "Brandname chua dang ky"}
            request_id = str(body.get("RequestId") or "")
            self.callback_urls.append(str(body.get("CallbackUrl") or ""))
            if request_id and request_id in self.request_ids:
                return 200, {"CodeResult": "124", "ErrorMessage": "Trung RequestId"}
            phones = body.get("Phones") if "Phones" in body else [body.get("Phone", "")]
            if not isinstance(phones, list) or not 1 <= len(phones) <= 5000:
                return 200, {"CodeResult": "99", "ErrorMessage": "1 to 5000 numbers a request"}
            if any(not VN_MOBILE.match(str(p)) for p in phones):
                return 200, {"CodeResult": "108", "ErrorMessage": "So dien thoai khong hop le"}
            if self.faults and any(p in self.faults.refused for p in phones):
                # The gateway refuses a number it will not serve, and with it the whole request it came in.
                return 200, {"CodeResult": "99", "ErrorMessage": "So dien thoai bi chan"}
            if self.balance < len(phones):
                return 200, {"CodeResult": "103", "ErrorMessage": "Tai khoan khong du tien"}
            self.balance -= len(phones)
            if request_id:
                self.request_ids.add(request_id)
            if "Phones" in body:
                self.bulk_requests += 1
            sms_id = f"SMS{next(self._ids):09d}"
            for phone in phones:
                self.received[phone] += 1
                self.by_prefix[phone[:2]] += 1
                self.contents.append((phone, body.get("Content", "")))
            self.taken += len(phones)
            if self.faults:
                self.accepted_requests[request_id] = list(phones)
        if self.send_reports and body.get("CallbackUrl"):
            threading.Thread(
                target=self._report, args=(body["CallbackUrl"], sms_id, request_id, list(phones)), daemon=True
            ).start()
        return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}

    def _report(self, url: str, sms_id: str, request_id: str, phones: list[str]) -> None:
        time.sleep(0.05)
        with httpx.Client(timeout=10) as client:
            for phone in phones:
                params = {"SMSID": sms_id, "SendStatus": "5", "RequestId": request_id, "phonenumber": phone}
                client.get(url, params=params)

    @property
    def messages_total(self) -> int:
        return sum(self.received.values())


class Faults:
    """A seeded schedule of what goes wrong: a share of requests answered HTTP 500 before anything is done, a
    share taken but answered after the client's timeout, and numbers the gateway refuses (with the whole bulk
    request they come in)."""

    def __init__(self, seed: int, *, errors: float, late: float, late_seconds: float, refused: set[str]) -> None:
        self.random = random.Random(seed)
        self.errors, self.late, self.late_seconds = errors, late, late_seconds
        self.refused = refused
        self.lock = threading.Lock()

    def draw(self) -> str:
        with self.lock:
            roll = self.random.random()
        if roll < self.errors:
            return "error"
        if roll < self.errors + self.late:
            return "late"
        return ""
