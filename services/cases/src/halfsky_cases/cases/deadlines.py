"""Deadlines in Asia/Shanghai working time: accept within N working days, resolve within M calendar days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved on by `days` weekdays (Monday to Friday) in Shanghai; weekend starts count from Monday."""
    local = start.astimezone(SHANGHAI)
    while local.weekday() >= 5:
        local = (local + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    remaining = days
    while remaining > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    return local.astimezone(start.tzinfo)


def today() -> date:
    """Today's date in Shanghai."""
    return datetime.now(SHANGHAI).date()


def local_date(moment: datetime) -> date:
    """The Shanghai calendar date of a moment."""
    return moment.astimezone(SHANGHAI).date()
