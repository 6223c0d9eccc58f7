"""allauth adapter: staff accounts are created by an admin or an invitation, never by signing up; and wrong
passwords are limited so that a stranger cannot keep an officer out.

Three limits on failed logins (allauth counts the first two, ACCOUNT_RATE_LIMITS["login_failed"]):
- per account *and* client address (allauth's "key", which this adapter makes of both): a few tries, then a few
  minutes' wait, for that address only;
- per client address, whatever account it tries: one address cannot walk through the ward's officers;
- per account from every address together, slower: a spread-out guessing of one officer's password stops too,
  but never at an address the owner has signed in from before, so the owner still gets in on the day a stranger
  is hammering their account.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.cache import cache
from django.http import HttpRequest

from portal.common.audit import client_ip
from portal.common.ratelimit import lockout_failure, lockout_until

# Failed logins of one account from all addresses within an hour before addresses it has never signed in from
# are refused for the hour.
ACCOUNT_FAILURES_PER_HOUR = 30
# How long an address the owner signed in from stays "their usual address".
USUAL_ADDRESS_DAYS = 90


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email", credentials.get("username", ""))).strip().lower()


def _usual_key(login: str) -> str:
    return f"login:usual:{login}"


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's per-"key" limit becomes per account and address: a stranger's wrong passwords lock out the
        # stranger's address, not the account.
        return f"{_login(credentials)}@{client_ip(request) or 'unknown'}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login, ip = _login(credentials), client_ip(request) or "unknown"
        if lockout_until([f"login:account:{login}"]) is not None and ip not in (cache.get(_usual_key(login)) or []):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        lockout_failure({f"login:account:{_login(credentials)}": ACCOUNT_FAILURES_PER_HOUR})

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        login, ip = (user.email or "").lower(), client_ip(request)
        if login and ip:
            usual = [address for address in cache.get(_usual_key(login)) or [] if address != ip][-9:]
            cache.set(_usual_key(login), [*usual, ip], timeout=USUAL_ADDRESS_DAYS * 86400)
