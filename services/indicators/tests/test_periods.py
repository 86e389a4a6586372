"""Period codes: what each names, containment, the period before and a year back."""

from datetime import date

import httpx
import pytest
from indicators_factories import STATS

from halfsky_common.periods import PeriodError, PeriodType, contained, parse, previous, same_period_last_year


@pytest.mark.parametrize(
    ("code", "start", "end", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), PeriodType.year),
        ("2026H1", date(2026, 1, 1), date(2026, 6, 30), PeriodType.half_year),
        ("2026H2", date(2026, 7, 1), date(2026, 12, 31), PeriodType.half_year),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30), PeriodType.quarter),
        ("202602", date(2026, 2, 1), date(2026, 2, 28), PeriodType.month),
        ("202402", date(2024, 2, 1), date(2024, 2, 29), PeriodType.month),
        ("2026YTD10", date(2026, 1, 1), date(2026, 10, 31), PeriodType.ytd),
        ("2021-2030", date(2021, 1, 1), date(2030, 12, 31), PeriodType.range),
        ("2014-2015Q1", date(2014, 1, 1), date(2015, 3, 31), PeriodType.range),
    ],
)
def test_codes_name_their_days(code: str, start: date, end: date, kind: PeriodType) -> None:
    p = parse(code)
    assert (p.start, p.last, p.type) == (start, end, kind)


@pytest.mark.parametrize("code", ["", "26", "2026Q5", "202613", "2026H3", "2026YTD13", "2030-2021", "2026q1", "x"])
def test_bad_codes_are_refused(code: str) -> None:
    with pytest.raises(PeriodError):
        parse(code)


def test_a_month_lies_in_its_quarter_half_year_year_and_year_to_date() -> None:
    july = parse("202607")
    for outer in ("2026Q3", "2026H2", "2026", "2026YTD07", "2026YTD12", "2021-2030"):
        assert parse(outer).contains(july), outer
    for outer in ("2026Q2", "2026H1", "2025", "2026YTD06"):
        assert not parse(outer).contains(july), outer
    assert not july.contains(parse("2026Q3"))


def test_a_quarter_is_not_inside_a_year_to_date_that_cuts_it() -> None:
    assert parse("2026YTD09").contains(parse("2026Q3"))
    assert not parse("2026YTD08").contains(parse("2026Q3"))


def test_contained_periods_of_each_type() -> None:
    assert [p.code for p in contained(parse("2026H2"), PeriodType.quarter)] == ["2026Q3", "2026Q4"]
    assert [p.code for p in contained(parse("2026YTD10"), PeriodType.quarter)] == ["2026Q1", "2026Q2", "2026Q3"]
    assert len(contained(parse("2026"), PeriodType.month)) == 12
    assert [p.code for p in contained(parse("2021-2023"), PeriodType.year)] == ["2021", "2022", "2023"]


def test_previous_and_same_period_last_year() -> None:
    assert previous(parse("2026Q1")).code == "2025Q4"
    assert previous(parse("202601")).code == "202512"
    assert previous(parse("2026H2")).code == "2026H1"
    assert previous(parse("2026")).code == "2025"
    assert same_period_last_year(parse("2026Q3")).code == "2025Q3"
    assert same_period_last_year(parse("2026YTD10")).code == "2025YTD10"
    assert same_period_last_year(parse("2021-2030")).code == "2020-2029"


async def test_period_endpoint_describes_a_code(client: httpx.AsyncClient) -> None:
    r = await client.get("/indicators/periods/2026H1", headers=STATS)
    assert r.status_code == 200
    body = r.json()
    assert body["start"] == "2026-01-01" and body["end"] == "2026-06-30"
    assert body["contains"]["quarter"] == ["2026Q1", "2026Q2"]
    bad = await client.get("/indicators/periods/2026Q9", headers=STATS)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"
