"""Five years of monthly village figures: a village monthly report (村妇联工作月报) of up to 40 data elements,
its reports through the workflow, and the values themselves, generated inside PostgreSQL (tens of millions of rows
never pass through Python). The catalogue is made through the service's own API."""

import random
import time
from dataclasses import dataclass
from datetime import date

import asyncpg
import httpx

from bench.bulk import copy, without_indexes
from bench.regions import Regions
from halfsky_common.periods import Period, parse

DATA_SET = "village_monthly"
PLAN = "GD-VILLAGE"
INDICATOR = "GD-V-SCREEN"  # the indicator the province query asks for: its two elements are always generated
SECOND_INDICATOR = "GD-V-MEDIATE"


@dataclass(frozen=True)
class Element:
    code: str
    name_zh: str
    name_en: str
    weight: float  # expected monthly value per woman of the village
    parent: str | None = None  # a part of another element ("of which"): parent × [low, high]
    low: float = 0.0
    high: float = 1.0


ELEMENTS = [
    Element("v_screen_due", "应检查妇女人数", "Women due for screening", 0.02),
    Element("v_screened", "已检查妇女人数", "Women screened", 0, "v_screen_due", 0.55, 0.98),
    Element("v_disputes", "受理婚姻家庭纠纷件数", "Family disputes taken up", 0.004),
    Element("v_disputes_mediated", "调解成功件数", "Disputes mediated", 0, "v_disputes", 0.6, 1.0),
    Element("v_dv_leads", "发现家暴线索数", "Domestic-violence leads", 0.001),
    Element("v_dv_referred", "家暴线索转介处置数", "Leads referred", 0, "v_dv_leads", 0.5, 1.0),
    Element("v_home_activities", "妇女之家活动次数", "Women's home activities", 0.003),
    Element("v_activity_attendance", "参加活动人次", "Activity attendance", 0.05),
    Element("v_consultations", "接待来访咨询人次", "Consultations", 0.01),
    Element("v_legal_lectures", "法治宣传讲座场次", "Law lectures", 0.001),
    Element("v_leaflets", "发放宣传资料份数", "Leaflets handed out", 0.2),
    Element("v_trained", "参加技能培训人数", "Women trained", 0.01),
    Element("v_certified", "取得证书人数", "Certificates", 0, "v_trained", 0.3, 0.8),
    Element("v_employed", "培训后就业人数", "Employed after training", 0, "v_trained", 0.2, 0.6),
    Element("v_startups", "创业人数", "Businesses started", 0.0005),
    Element("v_loans", "获得小额贷款笔数", "Micro-loans", 0.0003),
    Element("v_children_visited", "走访留守儿童人次", "Left-behind children visited", 0.01),
    Element("v_children_left_behind", "留守儿童人数", "Left-behind children", 0.03),
    Element("v_poor_mothers", "救助贫困母亲人数", "Poor mothers helped", 0.001),
    Element("v_family_education", "家庭教育指导人次", "Family education", 0.01),
    Element("v_safe_households", "平安家庭创建户数", "Safe-family households", 0.02),
    Element("v_households_visited", "入户走访户数", "Households visited", 0.03),
    Element("v_volunteer_services", "志愿服务人次", "Volunteer services", 0.01),
    Element("v_volunteer_hours", "志愿服务时长", "Volunteer hours", 0.05),
    Element("v_council_meetings", "妇女议事会次数", "Women's council meetings", 0.001),
    Element("v_proposals", "妇女议事提案数", "Proposals", 0.0005),
    Element("v_premarital_couples", "婚前辅导对数", "Premarital counselling", 0.002),
    Element("v_prenatal_checks", "孕产妇产前检查人数", "Prenatal checks", 0.003),
    Element("v_births", "活产数", "Live births", 0.002),
    Element("v_folic_takers", "服用叶酸人数", "Folic-acid takers", 0.003),
    Element("v_hotline_referrals", "12338热线转办件数", "12338 referrals", 0.0008),
    Element("v_petitions", "信访件数", "Petitions", 0.0003),
    Element("v_protection_orders", "协助申请保护令数", "Protection orders supported", 0.00005),
    Element("v_warning_letters", "告诫书送达数", "Warning letters", 0.0001),
    Element("v_shelter_referrals", "庇护转介人数", "Shelter referrals", 0.00005),
    Element("v_legal_aid", "法律援助人次", "Legal aid", 0.0003),
    Element("v_counselling", "心理疏导人次", "Counselling", 0.001),
    Element("v_elderly_visited", "走访高龄妇女人数", "Elderly women visited", 0.005),
    Element("v_disabled_helped", "帮扶残疾妇女人数", "Disabled women helped", 0.001),
    Element("v_cadre_training", "妇女干部培训人次", "Cadre training", 0.001),
]


def months(now: date) -> list[Period]:
    """The 60 months before the current one."""
    index = now.year * 12 + now.month - 1
    return [parse(f"{(index - k) // 12:04d}{(index - k) % 12 + 1:02d}") for k in range(60, 0, -1)]


async def catalogue(client: httpx.AsyncClient, n: int) -> list[Element]:
    """The plan, the first `n` elements, the village data set and the indicators, via the service's API."""
    elements = ELEMENTS[:n]

    async def post(path: str, body: object) -> None:
        r = await client.post("/api/indicators" + (f"/{path}" if path else ""), json=body, timeout=60)
        if r.status_code not in (201, 409):
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text}")

    await post(
        "plans",
        {
            "code": PLAN,
            "name_zh": "广东省村（社区）妇联工作监测",
            "kind": "federation_work",
            "start_year": 2021,
            "end_year": 2030,
            "org": "44",
        },
    )
    for e in elements:
        await post(
            "data-elements",
            {
                "code": e.code,
                "name_zh": e.name_zh,
                "name_en": e.name_en,
                "value_type": "integer",
                "period_type": "month",
                "aggregation": "sum",
            },
        )
    await post(
        "data-sets",
        {
            "code": DATA_SET,
            "name_zh": "村（社区）妇联工作月报",
            "period_type": "month",
            "due_days": 10,
            "elements": [e.code for e in elements],
        },
    )
    indicators = [(INDICATOR, "村级妇女两癌检查率", "health", "v_screened", "v_screen_due", 80)]
    if n >= 4:
        indicators.append((SECOND_INDICATOR, "婚姻家庭纠纷调解成功率", "law", "v_disputes_mediated", "v_disputes", 90))
    for code, name, domain, num, den, target in indicators:
        await post(
            "",
            {
                "code": code,
                "plan": PLAN,
                "name_zh": name,
                "domain": domain,
                "kind": "ratio",
                "unit": "percent",
                "numerator": f"#{{{num}}}",
                "denominator": f"#{{{den}}}",
                "targets": [{"year": 2030, "value": target}],
            },
        )
    return elements


async def labels(client: httpx.AsyncClient, regions: Regions) -> None:
    """Unit names for the analytics tables, through the service's API."""
    body = [{"org": u.code, "name": u.name} for u in regions.units.values()]
    r = await client.put("/api/indicators/org-labels", json=body, timeout=300)
    r.raise_for_status()


async def values(
    conn: asyncpg.Connection, *, regions: Regions, elements: list[Element], periods: list[Period], entered_by: str
) -> int:
    """The reports (mostly approved by now) and every village's monthly values, in SQL, month by month."""
    rng = random.Random(44)
    ids = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM data_element")}
    data_set = await conn.fetchval("SELECT id FROM data_set WHERE code = $1", DATA_SET)
    villages = regions.level(5)
    await conn.execute(
        "CREATE TEMP TABLE bench_village (path text, size float8);"
        "CREATE TEMP TABLE bench_element (id uuid, ord int, code text, weight float8, parent_code text, "
        "low float8, high float8)"
    )
    await copy(conn, "bench_village", ["path", "size"], [(v.path, rng.lognormvariate(6.7, 0.6)) for v in villages])
    await copy(
        conn,
        "bench_element",
        ["id", "ord", "code", "weight", "parent_code", "low", "high"],
        [(ids[e.code], i, e.code, e.weight, e.parent, e.low, e.high) for i, e in enumerate(elements)],
    )
    await copy(conn, "data_set_org_unit", ["data_set_id", "org_path"], [(data_set, v.path) for v in villages])
    total = 0
    async with without_indexes(conn, ["data_value", "data_set_report"]):
        for k, p in enumerate(periods):
            start = time.perf_counter()
            await conn.execute(REPORTS, data_set, p.code, p.start, p.last, len(periods) - k)
            total += int((await conn.execute(VALUES, p.code, p.start, p.last, entered_by, "省妇联 周静")).split()[-1])
            if k % 12 == 11:
                print(f"    {p.code}: {total:,} values ({time.perf_counter() - start:.1f} s for the month)", flush=True)
    return total


# A report per village and month: older months approved by the township (a few returned once on the way), the
# last one still coming in.
REPORTS = """
WITH p AS (SELECT $1::uuid AS ds, $2::text AS code, $3::date AS p_start, $4::date AS p_end, $5::int AS back)
INSERT INTO data_set_report (id, data_set_id, org_path, period, period_start, period_end, status, comment,
    return_reason, first_submitted_at, submitted_at, submitted_by, approved_at, approved_by, returned_at,
    returned_by, version, created_at, updated_at)
SELECT gen_random_uuid(), p.ds, v.path, p.code, p.p_start, p.p_end,
    CASE WHEN p.back > 1 THEN 'approved' WHEN r.x < 0.55 THEN 'submitted' ELSE 'draft' END,
    '', '',
    CASE WHEN p.back > 1 OR r.x < 0.55 THEN p.p_end + make_interval(days => 3 + (r.x * 10)::int) END,
    CASE WHEN p.back > 1 OR r.x < 0.55 THEN p.p_end + make_interval(days => 3 + (r.x * 10)::int) END,
    CASE WHEN p.back > 1 OR r.x < 0.55 THEN '村妇联主席' ELSE '' END,
    CASE WHEN p.back > 1 THEN p.p_end + make_interval(days => 8 + (r.x * 12)::int) END,
    CASE WHEN p.back > 1 THEN '乡镇妇联' ELSE '' END,
    NULL, '', CASE WHEN p.back > 1 THEN 3 ELSE 1 END,
    p.p_end + interval '1 day', p.p_end + make_interval(days => 8 + (r.x * 12)::int)
FROM p CROSS JOIN bench_village v
CROSS JOIN LATERAL (SELECT (abs(hashtext(v.path || p.code)) % 10000) / 10000.0 AS x) r
"""

# noise(path, element, month) in [0, 1) from a hash, so an "of which" element can recompute its parent's value.
NOISE = "(abs(hashtext({path} || {code} || p.code)) % 100000) / 100000.0"
VALUES = f"""
WITH p AS (SELECT $1::text AS code, $2::date AS p_start, $3::date AS p_end, $4::text AS by_id, $5::text AS by_name)
INSERT INTO data_value (id, element_id, org_path, period, period_start, period_end, value, comment, source,
    entered_by_id, entered_by_name, entered_at, pulled_at, version)
SELECT uuidv7(), e.id, v.path, p.code, p.p_start, p.p_end,
    CASE WHEN e.parent_code IS NULL
        THEN round(v.size * e.weight * (0.6 + 0.8 * {NOISE.format(path="v.path", code="e.code")}))
        ELSE floor(round(v.size * pe.weight * (0.6 + 0.8 * {NOISE.format(path="v.path", code="pe.code")}))
            * (e.low + (e.high - e.low) * {NOISE.format(path="v.path", code="e.code")}))
    END,
    '', 'manual', p.by_id, p.by_name, p.p_end + interval '3 days', NULL, 1
FROM p
CROSS JOIN bench_village v
CROSS JOIN bench_element e
LEFT JOIN bench_element pe ON pe.code = e.parent_code
"""  # noqa: S608 (built from the constant NOISE only)
