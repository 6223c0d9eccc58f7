"""`Authorization: Token <key>` for API clients, checked against the hashed keys of portal.models.ApiToken."""

from typing import Any

from rest_framework import authentication, exceptions

from portal.common.audit import client_ip
from portal.common.tokens import token_authenticate


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:  # type: ignore[override]
        token = token_authenticate(key=key, ip=self._ip)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        self._ip = client_ip(request)
        return super().authenticate(request)
