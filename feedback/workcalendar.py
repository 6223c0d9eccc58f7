"""Deadlines in working hours and working days: weekends, Vietnamese public holidays (lunar Tết included) and a
ward's own days off are skipped, as the reporting rules count them."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

# Lunar New Year's Day and the Hùng Kings' day (10th day of the 3rd lunar month) by solar date.
LUNAR_NEW_YEAR = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
HUNG_KINGS = {
    2024: date(2024, 4, 18),
    2025: date(2025, 4, 7),
    2026: date(2026, 4, 26),
    2027: date(2027, 4, 16),
    2028: date(2028, 4, 4),
    2029: date(2029, 4, 23),
    2030: date(2030, 4, 12),
}


def national_holidays(year: int) -> list[tuple[date, str]]:
    """The Labour Code's public holidays of a year: New Year, five days of Tết (the eve and four days), the
    Hùng Kings' day, 30 April, 1 May and National Day with the day next to it."""
    days = [(date(year, 1, 1), "Tết Dương lịch")]
    if year in LUNAR_NEW_YEAR:
        new_year = LUNAR_NEW_YEAR[year]
        days += [(new_year + timedelta(days=offset), "Tết Nguyên đán") for offset in range(-1, 4)]
    if year in HUNG_KINGS:
        days.append((HUNG_KINGS[year], "Giỗ Tổ Hùng Vương"))
    days += [
        (date(year, 4, 30), "Ngày Giải phóng miền Nam"),
        (date(year, 5, 1), "Ngày Quốc tế Lao động"),
        (date(year, 9, 1), "Quốc khánh"),
        (date(year, 9, 2), "Quốc khánh"),
    ]
    return days


def _periods() -> list[tuple[time, time]]:
    periods = []
    for part in settings.FEEDBACK_WORK_HOURS.split(","):
        start, end = part.strip().split("-")
        periods.append((time.fromisoformat(start), time.fromisoformat(end)))
    return periods


HOLIDAYS_MEMO_SECONDS = 60

_holidays_memo: dict[tuple[int | None, tuple[int, ...]], tuple[float, frozenset[date]]] = {}


def holidays_for(ward_id: int | None, years: Iterable[int]) -> frozenset[date]:
    """Kept in this process for a minute: every report computes two deadlines, and the calendar rarely changes.
    An edit clears this process's copy at once (see `holidays_forget`); other processes follow within the minute."""
    from feedback.models import Holiday

    key = (ward_id, tuple(sorted(years)))
    now = monotonic()
    memo = _holidays_memo.get(key)
    if memo is not None and memo[0] > now:
        return memo[1]
    rows = Holiday.objects.filter(date__year__in=key[1]).filter(Q(ward__isnull=True) | Q(ward_id=ward_id))
    days = frozenset(rows.values_list("date", flat=True))
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
