"""One period grammar and one half-open range for every service (issue 13: the three copies disagreed)."""

from datetime import date

import pytest

from halfsky_common.periods import (
    REPORTING_TYPES,
    PeriodError,
    PeriodType,
    contained,
    parse,
    parse_field,
    same_period_last_year,
)
from halfsky_common.problems import Problem


@pytest.mark.parametrize(
    ("code", "start", "end", "last", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), date(2026, 12, 31), PeriodType.year),
        ("2026H2", date(2026, 7, 1), date(2027, 1, 1), date(2026, 12, 31), PeriodType.half_year),
        ("2026Q1", date(2026, 1, 1), date(2026, 4, 1), date(2026, 3, 31), PeriodType.quarter),
        ("202412", date(2024, 12, 1), date(2025, 1, 1), date(2024, 12, 31), PeriodType.month),
        ("2026YTD10", date(2026, 1, 1), date(2026, 11, 1), date(2026, 10, 31), PeriodType.ytd),
        ("2014-2015Q1", date(2014, 1, 1), date(2015, 4, 1), date(2015, 3, 31), PeriodType.range),
    ],
)
def test_a_code_is_a_half_open_range_with_its_last_day(
    code: str, start: date, end: date, last: date, kind: PeriodType
) -> None:
    p = parse(code)
    assert (p.start, p.end, p.last, p.type) == (start, end, last, kind)
    assert p.end_at.isoformat() == f"{end.isoformat()}T00:00:00+08:00"


def test_a_bare_year_to_date_runs_to_today_and_a_year_back_to_the_same_day() -> None:
    on = date(2026, 12, 4)
    p = parse("2026YTD", on=on)
    assert (p.start, p.last, p.type) == (date(2026, 1, 1), on, PeriodType.ytd)
    assert parse("2025YTD", on=on).last == date(2025, 12, 31)  # a past year whole
    back = same_period_last_year(p)
    assert (back.code, back.start, back.last) == ("2025YTD", date(2025, 1, 1), date(2025, 12, 4))


def test_the_codes_each_service_took_are_all_one_grammar() -> None:
    """2026YTD was only the cases service's, 2026YTD10 and ranges only the indicators service's."""
    for code in ("2026", "2026H1", "2026Q3", "202607", "2026YTD", "2026YTD10", "2021-2030"):
        assert parse(code).code == code
    assert [p.code for p in contained(parse("2026H2"), PeriodType.quarter)] == ["2026Q3", "2026Q4"]


@pytest.mark.parametrize("code", ["", "26", "0000", "2026Q5", "202613", "2026H3", "2026YTD13", "2030-2021", "2026-01"])
def test_bad_codes_are_refused(code: str) -> None:
    with pytest.raises(PeriodError):
        parse(code)


def test_the_422_names_the_field_with_a_stable_code_and_may_limit_the_kinds() -> None:
    with pytest.raises(Problem) as bad:
        parse_field("2026Q9", "when")
    assert bad.value.status == 422
    assert bad.value.errors == [{"field": "when", "message": bad.value.detail, "code": "invalid_period"}]
    with pytest.raises(Problem) as kind:
        parse_field("2026YTD", types=REPORTING_TYPES)
    assert (kind.value.errors or [{}])[0]["code"] == "invalid_period"
