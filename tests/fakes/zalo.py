"""A local fake of Zalo's OA Open API v3, ZNS and OAuth v4, with the answer shapes and error codes of CHANNELS.md.

Refusals come back as HTTP 200 with a non-zero `error`, as Zalo does.
"""

import itertools
import re
import secrets
from typing import Any

from tests.fakes.server import FakeServer, Request


def ok(data: dict[str, Any]) -> tuple[int, dict]:
    return 200, {"error": 0, "message": "Success", "data": data}


def refused(code: int, message: str) -> tuple[int, dict]:
    return 200, {"error": code, "message": message}


class FakeZalo(FakeServer):
    def __init__(self, *, app_id: str = "app-1", app_secret: str = "app-secret") -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.access_token = "access-1"
        self.refresh_token = "refresh-1"
        self.refreshes = 0
        self.refresh_asks = 0  # refused ones included
        self.followers: set[str] = set()
        self.blocked: set[str] = set()
        self.groups: set[str] = set()
        self.night = False
        self.user_messages: list[tuple[str, str]] = []
        self.group_messages: list[tuple[str, dict]] = []
        self.zns: list[dict] = []
        self.uploads = 0
        self._ids = itertools.count(1)
        self.routes[("POST", "/v3.0/oa/message/cs")] = self._message
        self.routes[("POST", "/v3.0/oa/group/message")] = self._group_message
        self.routes[("POST", "/v2.0/oa/upload/image")] = self._upload
        self.routes[("POST", "/message/template")] = self._zns
        self.routes[("POST", "/v4/oa/access_token")] = self._refresh

    def expire_token(self) -> None:
        self.access_token = "access-" + secrets.token_hex(4)

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("access_token") == self.access_token

    def _message(self, request: Request) -> tuple[int, dict]:
        if not self._authorised(request):
            return refused(-216, "Access token is invalid")
        body = request.json()
        user_id = str(body.get("recipient", {}).get("user_id", ""))
        text = str(body.get("message", {}).get("text", ""))
        if len(text) > 2000:
            return refused(-201, "Text is too long")
        if self.night:
            return refused(-234, "Not allowed to send at night")
        if user_id in self.blocked:
            return refused(-217, "User has blocked the OA")
        if user_id not in self.followers:
            return refused(-213, "User has not followed the OA")
        with self.lock:
            self.user_messages.append((user_id, text))
        return ok({"message_id": f"msg{next(self._ids)}", "user_id": user_id})

    def _group_message(self, request: Request) -> tuple[int, dict]:
        if not self._authorised(request):
            return refused(-216, "Access token is invalid")
        body = request.json()
        group_id = str(body.get("recipient", {}).get("group_id", ""))
        if group_id not in self.groups:
            return refused(-201, "Group not found")
        if self.night:
            return refused(-234, "Not allowed to send at night")
        with self.lock:
            self.group_messages.append((group_id, body.get("message", {})))
        return ok({"message_id": f"gmsg{next(self._ids)}"})

    def _upload(self, request: Request) -> tuple[int, dict]:
        if not self._authorised(request):
            return refused(-216, "Access token is invalid")
        if b'name="file"' not in request.body:
            return refused(-201, "Missing file")
        self.uploads += 1
        return ok({"attachment_id": f"att{next(self._ids)}"})

    def _zns(self, request: Request) -> tuple[int, dict]:
        if not self._authorised(request):
            return refused(-124, "Access token has expired")
        body = request.json()
        if not re.fullmatch(r"84\d{9}", str(body.get("phone", ""))) or not body.get("template_id"):
            return refused(-201, "Invalid parameter")
        with self.lock:
            self.zns.append(body)
        return ok({"msg_id": f"zns{next(self._ids)}", "sent_time": "0", "quota": {"remainingQuota": "499"}})

    def _refresh(self, request: Request) -> tuple[int, dict]:
        form = request.form()
        self.refresh_asks += 1
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return 200, {"error": -14002, "error_name": "Invalid app", "error_description": "app_id or secret"}
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return 200, {"error": -14014, "error_name": "Invalid refresh token"}
        with self.lock:
            self.refreshes += 1
            self.access_token = "access-" + secrets.token_hex(4)
            self.refresh_token = "refresh-" + secrets.token_hex(4)  # single use: the old one is dead now
        return 200, {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_in": "90000"}
