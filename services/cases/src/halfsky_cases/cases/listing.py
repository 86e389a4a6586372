"""The one query behind case lists, exports and counts: region filter first, then the caller's filters, in SQL."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, Select, Text, cast, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from halfsky_cases.cases.access import case_filter
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.service import overdue_clause
from halfsky_common.auth import Principal
from halfsky_common.clock import SHANGHAI
from halfsky_common.pagination import SortKey
from halfsky_common.problems import Problem, field_error

SORTS = {
    "-received_at": (col(Case.received_at), True),
    "received_at": (col(Case.received_at), False),
    "-updated_at": (col(Case.updated_at), True),
    "updated_at": (col(Case.updated_at), False),
    "accept_due_at": (col(Case.accept_due_at), False),
    "-risk": (col(Case.risk_rank), True),
    "number": (col(Case.number), False),
}


@dataclass
class CaseFilters:
    """What a list may be narrowed by; every field optional."""

    status: list[str] = field(default_factory=list)
    category: str | None = None
    risk_level: str | None = None
    channel: str | None = None
    org_path: str | None = None
    handler_id: str | None = None
    victim_id: uuid.UUID | None = None
    urgent: bool | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None
    extra: list[Any] = field(default_factory=list)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_match(query: str) -> list[Any]:
    """Chinese substring search: the bigram index narrows, LIKE confirms (one-character queries scan)."""
    needle = query.strip().lower()
    return [
        col(Case.search_bigrams).contains(func.bigrams(needle, type_=ARRAY(Text))),
        func.lower(col(Case.search_text)).like(f"%{escape_like(needle)}%", escape="\\"),
    ]


def case_query(principal: Principal, filters: CaseFilters, *, now: datetime) -> Select[Any]:
    """Cases the principal may see, narrowed by `filters` (no order, no limit)."""
    stmt = select(Case).where(case_filter(principal))
    conditions: list[Any] = list(filters.extra)
    if filters.status:
        conditions.append(col(Case.status).in_(filters.status))
    if filters.category:
        conditions.append(
            or_(
                col(Case.primary_category) == filters.category,
                col(Case.secondary_categories).contains([filters.category]),
            )
        )
    if filters.risk_level:
        conditions.append(col(Case.risk_level) == filters.risk_level)
    if filters.channel:
        conditions.append(col(Case.channel) == filters.channel)
    if filters.org_path:
        if not filters.org_path.startswith("/") or not filters.org_path.endswith("/"):
            raise Problem(422, "org_path must look like /44/4401/.", errors=[field_error("org_path", "bad path")])
        conditions.append(col(Case.org_path).startswith(filters.org_path))
    if filters.handler_id:
        conditions.append(col(Case.handler_id) == filters.handler_id)
    if filters.victim_id:
        conditions.append(col(Case.victim_id) == filters.victim_id)
    if filters.urgent is not None:
        conditions.append(col(Case.urgent).is_(filters.urgent))
    if filters.overdue is not None:
        clause = overdue_clause(now)
        conditions.append(clause if filters.overdue else ~clause)
    if filters.received_from:
        conditions.append(col(Case.received_at) >= _start_of(filters.received_from))
    if filters.received_to:
        conditions.append(col(Case.received_at) < _start_of(filters.received_to + timedelta(days=1)))
    if filters.q and filters.q.strip():
        conditions.extend(text_match(filters.q))
    return stmt.where(*conditions) if conditions else stmt


def sort_keys(sort: str) -> list[SortKey]:
    """Urgent cases first in every list, then the chosen order, then the id for a stable page boundary."""
    if sort not in SORTS:
        raise Problem(422, f"sort must be one of {', '.join(SORTS)}.", errors=[field_error("sort", "unknown sort")])
    column, descending = SORTS[sort]
    return [
        SortKey(cast(col(Case.urgent), Integer), descending=True, attr="urgent_rank"),
        SortKey(column, descending=descending),
        SortKey(col(Case.id), descending=descending),
    ]
