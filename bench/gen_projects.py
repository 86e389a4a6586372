"""Projects at province scale (立项 to 结项) with targets, activities, beneficiaries and budgets, by COPY."""

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from bench import people
from bench.bulk import copy, without_indexes, words
from bench.config import YEARS
from bench.regions import Regions, Unit
from halfsky_common.clock import SHANGHAI
from halfsky_projects.config import Settings
from halfsky_projects.identity import identity_hash, mask_id_number, mask_phone

# category: (name template, kind, measures, share)
CATEGORIES: dict[str, tuple[str, str, tuple[str, ...], int]] = {
    "skills_training": ("{unit}巾帼家政技能培训", "government_purchase", ("women_trained", "women_certified"), 20),
    "employment": ("{unit}妇女居家灵活就业帮扶", "routine", ("women_employed", "jobs_created"), 14),
    "health_screening": ("{unit}农村妇女两癌免费检查", "upper_level", ("screenings_done",), 14),
    "family_building": ("{unit}平安家庭创建", "routine", ("households_reached", "activities_held"), 12),
    "child_care": ("{unit}留守儿童关爱服务", "government_purchase", ("activity_participants",), 12),
    "legal_aid": ("{unit}婚姻家庭纠纷调解与法律援助", "government_purchase", ("people_reached",), 10),
    "micro_loans": ("{unit}妇女创业小额担保贷款", "upper_level", ("businesses_started",), 6),
    "publicity": ("{unit}反家暴法宣传进村居", "self_initiated", ("leaflets_distributed", "people_reached"), 8),
    "safe_water": ("母亲水窖·{unit}校园安全饮水", "social_international", ("households_reached",), 2),
    "other": ("{unit}妇女之家阵地建设", "self_initiated", ("activities_held",), 2),
}
ACTIVITY_KINDS = {"skills_training": "training", "employment": "fair", "family_building": "lecture"}
GROUPS = ["农村妇女", "城镇大龄女性", "进城务工妇女", "4050妇女", "留守妇女", "贫困母亲", "留守儿童"]
SOURCES = ["finance", "upper_allocation", "government_purchase", "donation", "matching"]
OUTCOME_OF = {
    "skills_training": "trained",
    "employment": "employed",
    "health_screening": "screened",
    "micro_loans": "business_started",
}
PROJECT_COLUMNS = words(
    "id code name kind category is_campaign org_path partner_org_paths partner_agencies "
    "responsible_person supervising_leader funder overall_goal stage_goals start_date end_date "
    "target_groups target_beneficiaries status status_reason submitted_at review_started_at approved_at "
    "rejected_at returned_at started_at suspended_at closing_at closed_at approved_by behind_schedule "
    "progress_checked_at is_brand brand_name brand_level brand_year branded_at created_by created_at "
    "updated_at version"
)
TARGET_COLUMNS = "id project_id parent_id measure period period_start period_end label value note created_at version"
ACTIVITY_COLUMNS = (
    "id project_id org_path kind title held_on place hours trainer participant_count attendance_kept label notes "
    "photo_ids created_by created_at version"
)
BENEFICIARY_COLUMNS = (
    "id project_id org_path name gender birth_year id_number_masked id_hash phone_masked target_group "
    "registered_on note created_by created_at version"
)
OUTCOME_COLUMNS = (
    "id beneficiary_id project_id org_path kind achieved_on amount_fen label activity_id loan_id note created_by "
    "created_at"
)
BUDGET_COLUMNS = "id project_id org_path source item amount_fen note created_at version"
EVENT_COLUMNS = "project_id org_path action from_status to_status reason actor_id actor_name at"
COLUMNS = {
    "project": PROJECT_COLUMNS,
    "plan_target": TARGET_COLUMNS.split(),
    "activity": ACTIVITY_COLUMNS.split(),
    "beneficiary": BENEFICIARY_COLUMNS.split(),
    "beneficiary_outcome": OUTCOME_COLUMNS.split(),
    "budget_line": BUDGET_COLUMNS.split(),
    "project_event": EVENT_COLUMNS.split(),
}
STEPS = [("submit", "submitted"), ("start_review", "under_review"), ("approve", "approved"), ("start", "in_progress")]
CLOSE = [("request_close", "closing"), ("close", "closed")]
CHUNK = 1000


def lead_unit(rng: random.Random, regions: Regions, counties: list[Unit], townships: dict[str, list[Unit]]) -> Unit:
    county = rng.choice(counties)
    r = rng.random()
    if r < 0.65 or not townships.get(county.code):
        return county
    if r < 0.90:
        return rng.choice(townships[county.code])
    if r < 0.98:
        return regions.units[county.parent or county.code]
    return regions.units["44"]


class Gen:
    """Generation state: random source, code counters, collected rows."""

    def __init__(self, regions: Regions, identity_key: str) -> None:
        self.rng = random.Random(2021)
        self.regions = regions
        self.key = identity_key
        self.now = datetime.now(UTC)
        self.counters: dict[tuple[str, int], int] = {}
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
        self.ids: list[uuid.UUID] = []

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def project(self, unit: Unit, created: datetime) -> None:
        rng = self.rng
        category = rng.choices(list(CATEGORIES), weights=[c[3] for c in CATEGORIES.values()])[0]
        template, kind, measures, _ = CATEGORIES[category]
        pid = self.new_id()
        year = created.astimezone(SHANGHAI).year
        seq = self.counters[(unit.code, year)] = self.counters.get((unit.code, year), 0) + 1
        start = (created + timedelta(days=rng.randint(20, 90))).date()
        end = date(start.year + rng.choice([0, 1, 1, 2]), 12, 31)
        manager, leader = people.name(rng), people.name(rng)
        status, moments, events = "draft", {}, []
        at = created
        path = [*STEPS, *CLOSE]
        if rng.random() < 0.05:
            path = [STEPS[0], STEPS[1], ("reject", "rejected")]
        for action, target in path:
            at = at + timedelta(days=rng.uniform(2, 25))
            if target == "closing":
                at = max(at, datetime.combine(end, datetime.min.time(), UTC) - timedelta(days=rng.randint(0, 20)))
            if at > self.now:
                break
            actor = leader if action in ("approve", "reject", "close", "start_review") else manager
            events.append((pid, unit.path, action, status, target, "", f"u-{unit.code}", actor, at))
            status, moments[target] = target, at
        beneficiaries = int(rng.expovariate(1 / 25)) if status in ("in_progress", "closing", "closed") else 0
        name = template.format(unit=unit.name)
        self.rows["project"].append(
            (
                pid,
                f"XM-{unit.code}-{year}-{seq:04d}",
                f"{name}（{year}）",
                kind,
                category,
                category == "publicity",
                unit.path,
                "[]",
                json.dumps(["人社局"] if category in ("skills_training", "employment") else [], ensure_ascii=False),
                manager,
                leader,
                "" if kind == "routine" else "省妇联",
                f"围绕{name}，服务{rng.choice(GROUPS)}，推动工作项目化、项目目标化、目标责任化。",
                json.dumps(
                    [{"title": "完成需求调研", "due_date": str(start + timedelta(days=60))}], ensure_ascii=False
                ),
                start,
                end,
                json.dumps(rng.sample(GROUPS, 2), ensure_ascii=False),
                max(beneficiaries, rng.randint(20, 300)),
                status,
                "",
                moments.get("submitted"),
                moments.get("under_review"),
                moments.get("approved"),
                moments.get("rejected"),
                None,
                moments.get("in_progress"),
                None,
                moments.get("closing"),
                moments.get("closed"),
                leader if "approved" in moments else "",
                status == "in_progress" and rng.random() < 0.2,
                None,
                False,
                "",
                "",
                None,
                None,
                f"u-{unit.code}",
                created,
                max([created, *moments.values()]),
                1 + len(events),
            )
        )
        self.rows["project_event"] += events
        self.ids.append(pid)
        if "approved" not in moments:
            return
        self.plan(pid, unit, measures, start, end, moments["approved"])
        self.records(pid, unit, category, start, min(end, self.now.date()), beneficiaries, moments["approved"])

    def plan(self, pid: uuid.UUID, unit: Unit, measures: tuple[str, ...], start: date, end: date, at: datetime) -> None:
        rng = self.rng
        for measure in measures:
            for year in range(start.year, end.year + 1):
                value = rng.randint(50, 2000) if measure != "activities_held" else rng.randint(4, 24)
                row = (self.new_id(), pid, None, measure, str(year), date(year, 1, 1), date(year, 12, 31), "", value)
                self.rows["plan_target"].append((*row, "", at, 1))
        target = rng.randint(200_000, 2_000_000) * 100  # fen
        for source in rng.sample(SOURCES, rng.randint(1, 3)):
            self.rows["budget_line"].append(
                (
                    self.new_id(),
                    pid,
                    unit.path,
                    source,
                    rng.choice(["培训费", "宣传费", "劳务费", "检查费"]),
                    target,
                    "",
                    at,
                    1,
                )
            )

    def records(
        self, pid: uuid.UUID, unit: Unit, category: str, start: date, end: date, beneficiaries: int, at: datetime
    ) -> None:
        rng = self.rng
        days = max(1, (end - start).days)
        activities: list[uuid.UUID] = []
        for _ in range(int(rng.expovariate(1 / 8))):
            aid = self.new_id()
            held = start + timedelta(days=rng.randrange(days))
            kind = ACTIVITY_KINDS.get(category, rng.choice(["lecture", "campaign", "visit"]))
            self.rows["activity"].append(
                (
                    aid,
                    pid,
                    unit.path,
                    kind,
                    f"{unit.name}{'培训班' if kind == 'training' else '活动'}第{len(activities) + 1}期",
                    held,
                    f"{unit.name}妇女之家",
                    rng.choice([2, 3, 4, 8]),
                    people.name(rng) if kind == "training" else "",
                    rng.randint(15, 120),
                    False,
                    "",
                    "",
                    "[]",
                    f"u-{unit.code}",
                    at,
                    1,
                )
            )
            activities.append(aid)
        outcome = OUTCOME_OF.get(category)
        seen: set[str] = set()  # one person once per project, as the service's unique key demands
        for _ in range(beneficiaries):
            bid = self.new_id()
            idn = ""
            while not idn or idn in seen:
                birth = people.birth_date(rng, low=20, high=60, on=start)
                idn = people.id_number(
                    rng, unit.path.split("/")[3] if unit.path.count("/") > 3 else "440100", birth, female=True
                )
            seen.add(idn)
            registered = start + timedelta(days=rng.randrange(days))
            self.rows["beneficiary"].append(
                (
                    bid,
                    pid,
                    unit.path,
                    people.name(rng),
                    "female",
                    birth.year,
                    mask_id_number(idn),
                    identity_hash(idn, key=self.key),
                    mask_phone(people.mobile(rng)),
                    rng.choice(GROUPS),
                    registered,
                    "",
                    f"u-{unit.code}",
                    at,
                    1,
                )
            )
            if outcome and rng.random() < 0.8:
                achieved = min(end, registered + timedelta(days=rng.randint(1, 90)))
                self.rows["beneficiary_outcome"].append(
                    (self.new_id(), bid, pid, unit.path, outcome, achieved, 0, "", None, None, "", f"u-{unit.code}", at)
                )


async def generate(conn: asyncpg.Connection, *, regions: Regions, n: int, identity_key: str | None = None) -> list[str]:
    """Write `n` projects and everything under them; returns the ids of a sample for the detail requests."""
    gen = Gen(regions, identity_key or Settings().identity_key)
    counties = regions.level(3)
    townships: dict[str, list[Unit]] = {}
    for t in regions.level(4):
        townships.setdefault(t.parent or "", []).append(t)
    span = YEARS * 365 * 86400
    moments = sorted(gen.now - timedelta(seconds=span * gen.rng.random() ** 0.9) for _ in range(n))
    async with without_indexes(conn, list(COLUMNS)):
        for i, created in enumerate(moments, 1):
            gen.project(lead_unit(gen.rng, regions, counties, townships), created)
            if i % CHUNK == 0 or i == n:
                for table, columns in COLUMNS.items():
                    await copy(conn, table, columns, gen.rows[table])
                    gen.rows[table] = []
    await copy(
        conn,
        "project_counter",
        ["org_code", "year", "last"],
        [(code, year, last) for (code, year), last in gen.counters.items()],
    )
    return [str(i) for i in gen.ids]
