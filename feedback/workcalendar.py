"""Deadlines in working hours and working days: weekends, Vietnamese public holidays (lunar Tết included) and a
ward's own days off are skipped, as the reporting rules count them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic

import holidays
from django.conf import settings
from django.utils import timezone

from feedback.models import Holiday


@dataclass(frozen=True)
class Day:
    date: date
    name: str


def national_days(years: Iterable[int]) -> list[Day]:
    """The public holidays of the years: the Labour Code's days (lunar Tết included) and the substitute days the
    government has announced, as the `holidays` package knows them, in Vietnamese; plus the days an admin
    entered as the whole country's (a substitute day announced after the package's release)."""

    years = sorted(set(years))
    known = holidays.country_holidays("VN", years=years, language="vi")
    days = {day: Day(day, str(name)) for day, name in known.items()}
    for holiday in Holiday.objects.filter(ward__isnull=True, date__year__in=years):
        days.setdefault(holiday.date, Day(holiday.date, holiday.name))
    return sorted(days.values(), key=lambda day: day.date)


def _periods() -> list[tuple[time, time]]:
    periods = []
    for part in settings.REPORT_WORK_HOURS.split(","):
        start, end = part.strip().split("-")
        periods.append((time.fromisoformat(start), time.fromisoformat(end)))
    return periods


HOLIDAYS_MEMO_SECONDS = 60

_holidays_memo: dict[tuple[int | None, tuple[int, ...]], tuple[float, frozenset[date]]] = {}


def holidays_for(ward_id: int | None, years: Iterable[int]) -> frozenset[date]:
    """Kept in this process for a minute: every report computes two deadlines, and the calendar rarely changes.
    An edit clears this process's copy at once (see `holidays_forget`); other processes follow within the minute."""

    key = (ward_id, tuple(sorted(years)))
    now = monotonic()
    memo = _holidays_memo.get(key)
    if memo is not None and memo[0] > now:
        return memo[1]
    own = Holiday.objects.filter(date__year__in=key[1], ward_id=ward_id).values_list("date", flat=True)
    days = frozenset([*(day.date for day in national_days(key[1])), *own])
    _holidays_memo[key] = (now + HOLIDAYS_MEMO_SECONDS, days)
    return days


def holidays_forget(**_signal: object) -> None:
    _holidays_memo.clear()


class WorkCalendar:
    def __init__(self, ward_id: int | None, around: datetime | None = None) -> None:
        year = timezone.localtime(around or timezone.now()).year
        self.holidays = holidays_for(ward_id, range(year - 1, year + 2))
        self.periods = _periods()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `start`."""
        zone = timezone.get_current_timezone()
        cursor = timezone.localtime(start, zone)
        remaining = timedelta(hours=hours)
        day = cursor.date()
        for _guard in range(3660):
            if self.is_working_day(day):
                for period_start, period_end in self.periods:
                    begins = datetime.combine(day, period_start, tzinfo=zone)
                    ends = datetime.combine(day, period_end, tzinfo=zone)
                    if cursor >= ends:
                        continue
                    begins = max(begins, cursor)
                    if remaining <= ends - begins:
                        return begins + remaining
                    remaining -= ends - begins
            day += timedelta(days=1)
            cursor = datetime.combine(day, time.min, tzinfo=zone)
        raise ValueError("no working time within ten years")

    def add_days(self, start: datetime, days: int) -> datetime:
        """The end of the working day that is `days` working days after the day of `start`."""
        zone = timezone.get_current_timezone()
        day = timezone.localtime(start, zone).date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, self.periods[-1][1], tzinfo=zone)

    def hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end` (for time-to-answer figures)."""
        if end <= start:
            return 0.0
        zone = timezone.get_current_timezone()
        start, end = timezone.localtime(start, zone), timezone.localtime(end, zone)
        total = timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for period_start, period_end in self.periods:
                    begins = max(datetime.combine(day, period_start, tzinfo=zone), start)
                    ends = min(datetime.combine(day, period_end, tzinfo=zone), end)
                    if ends > begins:
                        total += ends - begins
            day += timedelta(days=1)
        return total.total_seconds() / 3600
