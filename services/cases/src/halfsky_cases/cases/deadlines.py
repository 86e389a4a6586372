"""Deadlines in Asia/Shanghai working time: accept within N working days, resolve within M calendar days."""

from datetime import datetime, timedelta

from halfsky_common.clock import SHANGHAI


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
