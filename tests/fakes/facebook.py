"""A local fake of the Graph API's Page feed and photos edges, with Graph's error shape and codes."""

import itertools
from typing import Any

from tests.fakes.server import FakeServer, Request

VERSION = "v21.0"


def graph_error(status: int, code: int, message: str, kind: str = "OAuthException") -> tuple[int, dict]:
    return status, {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf"}}


class FakeGraph(FakeServer):
    def __init__(self, *, page_token: str = "page-token") -> None:
        super().__init__()
        self.page_token = page_token
        self.pages: set[str] = set()
        self.posts: list[dict[str, Any]] = []
        self.failures: list[tuple[int, int]] = []  # (HTTP status, Graph code) for the next requests
        self._ids = itertools.count(1000)
        self.routes[("POST", f"/{VERSION}/")] = self._post

    @property
    def base_url(self) -> str:
        return f"{self.url}/{VERSION}"

    def _post(self, request: Request) -> tuple[int, dict]:
        parts = request.path.strip("/").split("/")
        if len(parts) != 3 or parts[2] not in {"feed", "photos"}:
            return graph_error(400, 100, "Unsupported post request")
        _version, page_id, edge = parts
        form = request.form()
        with self.lock:
            if self.failures:
                status, code = self.failures.pop(0)
                return graph_error(status, code, "Scripted failure")
        if form.get("access_token") != self.page_token:
            return graph_error(400, 190, "Error validating access token: Session has expired")
        if page_id not in self.pages:
            return graph_error(400, 100, "Unsupported post request. Object does not exist")
        post_id = f"{page_id}_{next(self._ids)}"
        with self.lock:
            self.posts.append({"page": page_id, "edge": edge, **form})
        if edge == "photos":
            return 200, {"id": str(next(self._ids)), "post_id": post_id}
        return 200, {"id": post_id}
