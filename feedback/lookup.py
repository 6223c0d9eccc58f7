"""Finding a report from outside the portal: a tracking code, the last four digits of the reporter's phone, the
browser that filed it, or the link sent to the reporter.

Every check shares one limit, so no page can be used to walk codes: 10 wrong tries per code and 30 per client
address in an hour close the check for an hour, whatever is typed next.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from feedback.codes import tracking_code_clean
from feedback.models import Report, ReportEvent
from feedback.selectors import report_by_code
from portal.common.ratelimit import lockout_failure, lockout_until

WRONG_TRIES_PER_CODE = 10
WRONG_TRIES_PER_ADDRESS = 30


Via = ReportEvent.Via


class LookupClosed(Exception):
    def __init__(self, until: float) -> None:
        self.until = datetime.fromtimestamp(until, tz=timezone.get_current_timezone())
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "Too many wrong tries. To protect the reporter, this check is closed until %(time)s. Please try again "
            "then, or ask the ward office."
        ) % {"time": timezone.localtime(self.until).strftime("%H:%M %d/%m/%Y")}


@dataclass(frozen=True)
class Lookup:
    report: Report
    via: str = ""  # empty: seen as anyone may see it (a public report by its code), not as its reporter

    @property
    def is_reporter(self) -> bool:
        return bool(self.via)


def reporter_link_token(code: str) -> str:
    """The proof in the link sent to the reporter: only the portal can make it, and it names one report."""
    return salted_hmac("feedback.reporter-link", code.strip().upper(), algorithm="sha256").hexdigest()[:20]


def _keys(code: str, ip: str | None) -> dict[str, int]:
    return {f"code:{code}": WRONG_TRIES_PER_CODE, f"ip:{ip or 'unknown'}": WRONG_TRIES_PER_ADDRESS}


def report_lookup(
    *, code: str, ip: str | None, digits: str = "", token: str = "", browser_codes: list[str] = ()
) -> Lookup | None:
    """The report and how the person proved who they are, or None (one wrong try) when the code and what came
    with it do not open a report. A tip, a private report and a code that does not exist fail alike.

    Raises LookupClosed while the code or the address is locked out.
    """
    code = tracking_code_clean(code)
    keys = _keys(code, ip)
    until = lockout_until(keys)
    if until is not None:
        raise LookupClosed(until)
    report = report_by_code(code=code) if code else None
    via = ""
    if report is not None:
        if code in browser_codes:
            via = Via.BROWSER
        elif token and hmac.compare_digest(token, reporter_link_token(code)):
            via = Via.LINK
        elif report.reporter_phone and len(digits) == 4 and digits.isdecimal():
            if report.reporter_phone.endswith(digits):
                via = Via.PHONE
    if report is not None and (via or _open_by_code(report)):
        return Lookup(report=report, via=via)
    until = lockout_failure(keys)
    if until is not None:
        raise LookupClosed(until)
    return None


def _open_by_code(report: Report) -> bool:
    """The code alone opens only a report anyone may read (Report.objects.public(), reporter hidden). A tip, a
    private report or one staff have not accepted needs the reporter's proof, so its code alone answers as a code
    that does not exist."""
    return report.is_public_now
