"""Demo values for the demo region tree (广州市 天河区 and 越秀区, real division codes): two years of annual
reports in every state of the workflow, quarterly training figures, Safe Families coverage, a village-culture
checklist, and the folic-acid figures of seeds-000 §5.2 with their stated rates (one of them wrong)."""

import random
import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.orgpaths import path_from_code
from halfsky_common.periods import parse
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.assessments.models import Assessment
from halfsky_indicators.datasets.models import DataSetOrgUnit
from halfsky_indicators.datasets.service import get_by_code as data_set
from halfsky_indicators.elements.service import by_codes
from halfsky_indicators.entry.models import DataSetReport, ReportStatus
from halfsky_indicators.entry.values import NewValue, write_values
from halfsky_indicators.figures.models import ReportedFigure
from halfsky_indicators.figures.schemas import FigureCreate
from halfsky_indicators.figures.service import add_figure
from halfsky_indicators.indicators.service import get_by_code as indicator
from halfsky_indicators.orglabels.service import store as store_labels

TIANHE = "五山 员村 车陂 沙河 石牌 沙东 天河南 林和 兴华 棠下 天园 猎德 冼村 元岗 黄村 长兴 龙洞 凤凰 前进 珠吉 新塘"
TIANHE_CODES = [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
YUEXIU = "洪桥 北京 六榕 流花 光塔 人民 东山 农林 梅花村 黄花岗 华乐 建设 大塘 珠光 大东 白云 登峰 矿泉"
YUEXIU_CODES = [1, 3, 4, 5, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
WUSHAN_COMMUNITIES = ["岳洲", "茶山", "东莞庄", "华工", "华农", "农科院", "广外艺", "粤垦"]

STREETS = [(f"440106{n:03d}", f"{name}街道") for n, name in zip(TIANHE_CODES, TIANHE.split(), strict=True)] + [
    (f"440104{n:03d}", f"{name}街道") for n, name in zip(YUEXIU_CODES, YUEXIU.split(), strict=True)
]
LEADERS = {"440106": "吴桂兰", "440104": "越秀区妇联"}


def _mch(rng: random.Random) -> dict[str, int]:
    births = rng.randint(600, 1600)
    children = births * 7 - rng.randint(0, 300)
    due = births + rng.randint(5, 30)
    pregnant = births + rng.randint(10, 40)
    women = rng.randint(8000, 20000)
    couples = rng.randint(500, 1500)
    infant = rng.randint(1, 8)
    return {
        "live_births": births,
        "perinatal_births": births + rng.randint(2, 10),
        "maternal_deaths": 1 if rng.random() < 0.06 else 0,
        "infant_deaths": infant,
        "u5_deaths": infant + rng.randint(0, 3),
        "birth_defects": round(births * rng.uniform(0.004, 0.009)),
        "mothers_managed": round(births * rng.uniform(0.92, 0.99)),
        "hospital_deliveries": births - (1 if rng.random() < 0.3 else 0),
        "pregnant_women": pregnant,
        "pregnant_hiv_screened": round(pregnant * rng.uniform(0.9, 1)),
        "children_u7": children,
        "children_u7_managed": round(children * rng.uniform(0.88, 0.97)),
        "children_u7_vision": round(children * rng.uniform(0.6, 0.85)),
        "children_due_vaccination": due,
        "children_vaccinated": round(due * rng.uniform(0.94, 0.995)),
        "newborns_screened": round(births * rng.uniform(0.95, 1)),
        "infants_0_6m": births // 2,
        "infants_breastfed": round(births // 2 * rng.uniform(0.4, 0.62)),
        "women_target": women,
        "women_screened": round(women * rng.uniform(0.7, 0.9)),
        "marriage_couples": couples,
        "premarital_checked": round(couples * rng.uniform(0.6, 0.95)),
    }


def _safe_family(rng: random.Random) -> dict[str, int]:
    communities, households, surveyed = rng.randint(5, 15), rng.randint(20000, 60000), rng.randint(300, 800)
    return {
        "communities_total": communities,
        "communities_active": round(communities * rng.uniform(0.6, 1)),
        "villages_total": 0,
        "villages_active": 0,
        "households": households,
        "safe_households": round(households * rng.uniform(0.7, 0.9)),
        "families_surveyed": surveyed,
        "families_aware": round(surveyed * rng.uniform(0.82, 0.96)),
    }


def _status(street: str, year: int, index: int) -> ReportStatus:
    if year < 2025:
        return ReportStatus.approved
    if street.startswith("440104"):
        return ReportStatus.submitted
    return (
        (ReportStatus.draft, ReportStatus.submitted, ReportStatus.returned)[index % 3]
        if index < 6
        else (ReportStatus.approved)
    )


async def demo_values(session: AsyncSession, actor: Principal) -> dict[str, int]:
    """Load the demo; running it again rewrites the same values."""
    counts = {"values": 0, "reports": 0, "figures": 0, "assessments": 0}
    await store_labels(
        session,
        [("/44/", "广东省"), ("/44/4401/", "广州市"), ("/44/4401/440106/", "天河区"), ("/44/4401/440104/", "越秀区")]
        + [(path_from_code(code), name) for code, name in STREETS]
        + [(path_from_code(f"440106001{i + 1:03d}"), f"{n}社区") for i, n in enumerate(WUSHAN_COMMUNITIES)],
    )
    elements = await by_codes(session, [e for spec in ("mch", "safe", "emp") for e in _ELEMENTS[spec]])
    values: list[NewValue] = []
    reports: list[tuple[str, str, str, ReportStatus]] = []
    for index, (code, _) in enumerate(STREETS):
        org = path_from_code(code)
        for year in (2024, 2025):
            rng = random.Random(f"{code}-{year}")
            p = parse(str(year))
            values += [NewValue(elements[k], org, p, Decimal(v)) for k, v in _mch(rng).items()]
            values += [NewValue(elements[k], org, p, Decimal(v)) for k, v in _safe_family(rng).items()]
            reports.append(("mch_annual", org, p.code, _status(code, year, index)))
        if code.startswith("440106"):
            for quarter in ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"):
                rng = random.Random(f"{code}-{quarter}")
                trained = rng.randint(40, 200)
                for k, v in (
                    ("migrant_trained", trained),
                    ("startups_supported", rng.randint(2, 15)),
                    ("jobs_created", round(trained * rng.uniform(0.3, 0.6))),
                ):
                    values.append(NewValue(elements[k], org, parse(quarter), Decimal(v)))
    created, updated, _ = await write_values(session, values=values, user=actor)
    counts["values"] = created + updated
    counts["reports"] = await _reports(session, reports)
    counts["figures"] = await _folic_figures(session, actor)
    counts["assessments"] = await _culture(session, actor)
    await analytics_table.rebuild(session)
    return counts


_ELEMENTS = {
    "mch": list(_mch(random.Random(0))),
    "safe": list(_safe_family(random.Random(0))),
    "emp": ["migrant_trained", "startups_supported", "jobs_created"],
}


async def _reports(session: AsyncSession, reports: list[tuple[str, str, str, ReportStatus]]) -> int:
    now = utcnow()
    sets = {
        code: await data_set(session, code) for code in ("mch_annual", "employment_quarterly", "safe_family_annual")
    }
    for ds in sets.values():
        rows = [{"data_set_id": ds.id, "org_path": path_from_code(code)} for code, _ in STREETS]
        await session.execute(insert(DataSetOrgUnit).values(rows).on_conflict_do_nothing())
    for code, org, period, status in reports:
        p = parse(period)
        sent = status != ReportStatus.draft
        row = {
            "id": uuid.uuid4(),
            "data_set_id": sets[code].id,
            "org_path": org,
            "period": period,
            "period_start": p.start,
            "period_end": p.last,
            "status": status,
            "comment": "",
            "return_reason": "应服人数与摸底登记不符，请核实" if status == ReportStatus.returned else "",
            "created_at": now,
            "updated_at": now,
            "first_submitted_at": now if sent else None,
            "submitted_at": now if sent else None,
            "submitted_by": "周静" if sent else "",
            "approved_at": now if status == ReportStatus.approved else None,
            "approved_by": LEADERS[org.split("/")[3]] if status == ReportStatus.approved else "",
            "returned_at": now if status == ReportStatus.returned else None,
            "returned_by": LEADERS[org.split("/")[3]] if status == ReportStatus.returned else "",
            "version": 1,
        }
        await session.execute(insert(DataSetReport).values(row).on_conflict_do_nothing())
    return len(reports)


# seeds-000 §5.2: the programme's yearly figures with the rates its report states (2010's is wrong).
FOLIC_FIGURES = [
    ("F-INTAKE", "2009", 14502, 18985, "76.39"),
    ("F-INTAKE", "2010", 29169, 32478, "78.02"),
    ("F-INTAKE", "2011H1", 22415, 25616, "87.5"),
    ("F-AWARE", "2010", 28740, 37546, "76.55"),
    ("F-AWARE", "2011H1", 23665, 27418, "86.31"),
]


async def _folic_figures(session: AsyncSession, actor: Principal) -> int:
    org = "/44/4401/"
    added = 0
    have = set(
        (
            await session.execute(
                select(col(ReportedFigure.indicator_id), col(ReportedFigure.period)).where(
                    col(ReportedFigure.org_path) == org
                )
            )
        ).all()
    )
    for code, period, num, den, stated in FOLIC_FIGURES:
        ind = await indicator(session, code)
        p = parse(period)
        if (ind.id, p.code) in have:
            continue
        added += 1
        body = FigureCreate(
            indicator=code,
            org=org,
            period=period,
            numerator=Decimal(num),
            denominator=Decimal(den),
            stated_value=Decimal(stated),
            source="增补叶酸项目工作报告",
            note="示例：seeds-000 §5.2 的项目报告数字，挂在演示区域下",
        )
        await add_figure(session, indicator=ind, org_path=org, period=p, body=body, entered_by=actor.name)
    return added


async def _culture(session: AsyncSession, actor: Principal) -> int:
    ind = await indicator(session, "V-CULTURE")
    p = parse("2025")
    for i, _ in enumerate(WUSHAN_COMMUNITIES):
        rng = random.Random(f"culture-{i}")
        answers = {
            "rooms": True,
            "venue_m2": rng.choice([320, 420, 560]),
            "films": rng.choice([8, 12, 15]),
            "fitness_sets": rng.choice([4, 6, 8]),
            "librarian": rng.random() < 0.8,
            "books_per_head": rng.choice([1.5, 2, 2.6]),
        }
        results = {
            "rooms": True,
            "venue_m2": answers["venue_m2"] >= 400,
            "films": answers["films"] >= 12,
            "fitness_sets": answers["fitness_sets"] >= 6,
            "librarian": bool(answers["librarian"]),
            "books_per_head": answers["books_per_head"] >= 2,
        }
        row = {
            "id": uuid.uuid4(),
            "indicator_id": ind.id,
            "org_path": path_from_code(f"440106001{i + 1:03d}"),
            "period": p.code,
            "period_start": p.start,
            "period_end": p.last,
            "status": None,
            "answers": {k: v if isinstance(v, bool) else str(v) for k, v in answers.items()},
            "results": results,
            "passed": all(results.values()),
            "statement": "",
            "entered_by": actor.name,
            "entered_at": utcnow(),
            "version": 1,
        }
        await session.execute(insert(Assessment).values(row).on_conflict_do_nothing())
    return len(WUSHAN_COMMUNITIES)
