"""The one calendar every service counts in: Asia/Shanghai.

Periods, deadlines, "today" for a due date and the year a project was approved in are all Shanghai dates, whatever
the server's own time zone; this module is the only place that says so.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """This instant, aware, in Shanghai."""
    return datetime.now(UTC).astimezone(SHANGHAI)


def today() -> date:
    """Today's date in Shanghai."""
    return now().date()


def shanghai_year(moment: datetime) -> int:
    """The Shanghai calendar year of an instant."""
    return moment.astimezone(SHANGHAI).year
