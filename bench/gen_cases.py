"""Rights cases at province scale, written straight into the cases database with COPY.

The mix follows the domain notes (/work/shared/domain): marriage and family disputes, domestic violence included,
are the largest group, then rural women's land and property rights and women workers' labour rights; the 12338
hotline and walk-in visits bring most cases. The exact shares are our estimate (the notes rank, they do not count).
Cases arrive over five years, a little more each year; old cases are archived, recent ones still open.
"""

import json
import random
import uuid
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import asyncpg

from bench import people
from bench.bulk import copy, without_indexes, words
from bench.config import YEARS
from bench.regions import Regions, Unit
from bench.vocabulary import AGENCIES, CATEGORIES, CHANNELS, RESOLUTIONS, RESPONDENT, SUMMARIES
from halfsky_cases.cases.deadlines import add_working_days
from halfsky_cases.cases.enums import RISK_RANK, SUBCATEGORIES, URGENT_LEVELS, Category, RiskLevel
from halfsky_cases.cases.risk import QUESTIONS, RiskAnswers, assess
from halfsky_cases.config import Settings
from halfsky_cases.protection.crypto import FieldCipher, load_cipher
from halfsky_common.clock import SHANGHAI

CASE_COLUMNS = words(
    "id number org_code org_path received_org_path channel received_at operator_id operator_name "
    "source_agency external_ref summary description primary_category subcategory secondary_categories "
    "victim_id complainant_kind risk_level risk_rank urgent risk_assessed_at status handler_id "
    "handler_name assigned_at accept_due_at resolve_due_at accepted_at declined_at started_at resolved_at "
    "followed_up_at archived_at reopened_at decline_reason outcome resolution_type satisfaction "
    "follow_up_notes reopen_reason reopen_count search_text created_at updated_at version"
)
PERSON_COLUMNS = words(
    "id org_path name sex birth_date age ethnicity marital_status occupation disability children_count "
    "id_number_enc id_number_hash phone_enc phone_hash address_enc created_at updated_at version"
)
EVENT_COLUMNS = ["case_id", "at", "actor_id", "actor_name", "kind", "from_status", "to_status", "summary", "detail"]
PARTY_COLUMNS = ["id", "case_id", "person_id", "role", "relationship"]
RISK_COLUMNS = ["id", "case_id", "answers", "score", "level", "assessed_at", "assessor_id", "assessor_name"]
LINK_COLUMNS = ["id", "case_id", "other_case_id", "reasons", "status", "created_at"]
TABLES = ("person", "rights_case", "case_party", "case_event", "risk_assessment", "case_link")
CHUNK = 20_000


def weighted(rng: random.Random, table: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(table), weights=list(table.values()), k=k)


@dataclass
class Staff:
    """Synthetic staff ids per county (the real bench users live in the gateway)."""

    operators: list[tuple[str, str]]
    handlers: list[tuple[str, str]]


@dataclass
class State:
    """What generation carries from one case to the next."""

    rng: random.Random
    cipher: FieldCipher
    now: datetime
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    victims: dict[str, list[tuple[uuid.UUID, datetime, uuid.UUID]]] = field(default_factory=dict)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in TABLES})
    staff: dict[str, Staff] = field(default_factory=dict)
    ids: list[uuid.UUID] = field(default_factory=list)

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def staff_of(state: State, county: Unit) -> Staff:
    if county.code not in state.staff:
        rng = state.rng
        state.staff[county.code] = Staff(
            operators=[(str(state.new_id()), people.name(rng)) for _ in range(3)],
            handlers=[(str(state.new_id()), people.name(rng)) for _ in range(5)],
        )
    return state.staff[county.code]


def person(state: State, unit: Unit, regions: Regions, county: Unit, *, female: bool, at: datetime) -> tuple[Any, ...]:
    rng, cipher = state.rng, state.cipher
    birth = people.birth_date(rng, low=18 if female else 22, high=70, on=at.date())
    idn = people.id_number(rng, county.code, birth, female=female) if rng.random() < 0.6 else None
    phone = people.mobile(rng) if rng.random() < 0.9 else None
    addr = people.address(rng, regions.full_name(unit)) if rng.random() < 0.7 else None
    return (
        state.new_id(),
        unit.path,
        people.name(rng, female=female),
        "female" if female else "male",
        birth,
        (at.date() - birth).days // 365,
        "汉族" if rng.random() < 0.97 else rng.choice(["壮族", "瑶族", "畲族", "回族"]),
        rng.choice(["married", "married", "married", "divorced", "unmarried", "separated", "widowed"]),
        rng.choice(["务农", "务工", "个体经营", "无业", "企业职工", "家庭主妇", ""]),
        "",
        rng.choice([None, 0, 1, 1, 2, 2, 3]),
        cipher.encrypt("id_number", idn),
        cipher.digest("id_number", idn),
        cipher.encrypt("phone", phone),
        cipher.digest("phone", phone),
        cipher.encrypt("address", addr),
        at,
        at,
        1,
    )


def lifecycle(rng: random.Random, received: datetime, now: datetime, declined: bool) -> list[tuple[str, datetime]]:
    """The steps a case took so far: (status, when), stopping at now."""
    steps = ["accepted", "in_progress", "resolved", "followed_up", "archived"]
    r = rng.random()
    if declined:
        steps = ["declined", "archived"]
    elif r < 0.03:
        steps = steps[:2]  # stuck in handling for months: the overdue cases supervisors chase
    elif r < 0.10:
        steps = steps[:3]  # resolved, never followed up or archived
    elif r < 0.18:
        steps = steps[:4]  # followed up, not yet archived
    elif r < 0.45:
        steps = [*steps[:3], "archived"]  # not every case gets a follow-up visit
    gaps = {
        "accepted": (0.05, 2),
        "declined": (0.05, 2),
        "in_progress": (0, 4),
        "resolved": (1, 45),
        "followed_up": (3, 30),
        "archived": (1, 60),
    }
    out, at = [], received
    for status in steps:
        low, high = gaps[status]
        at = at + timedelta(days=rng.uniform(low, high))
        if at > now:
            break
        out.append((status, at))
    return out


def unit_for(rng: random.Random, regions: Regions, county: Unit, townships: list[Unit]) -> Unit:
    """Most cases are registered at the county federation, some at a township, a few at the city."""
    r = rng.random()
    if r < 0.70 or not townships:
        return county
    if r < 0.95:
        return rng.choice(townships)
    return regions.units[county.parent or county.code]


def one_case(state: State, regions: Regions, county: Unit, townships: list[Unit], received: datetime) -> None:
    rng, rows = state.rng, state.rows
    unit = unit_for(rng, regions, county, townships)
    staff = staff_of(state, county)
    operator = rng.choice(staff.operators)
    channel = weighted(rng, CHANNELS, 1)[0]
    category = weighted(rng, CATEGORIES, 1)[0]
    subs = sorted(SUBCATEGORIES.get(Category(category), frozenset()))
    sub = rng.choice(subs) if subs and rng.random() < 0.8 else ""
    secondary = []
    if category == "domestic_violence" and rng.random() < 0.3:
        secondary = ["marriage_family"]
    elif category == "marriage_family" and rng.random() < 0.08:
        secondary = ["children_rights"]
    case_id = state.new_id()
    names: list[str] = []
    earlier = state.victims.setdefault(county.code, [])
    reuse = earlier[rng.randrange(len(earlier))] if earlier and rng.random() < 0.08 else None
    if reuse:
        victim_id = reuse[0]
        names.append("")  # a returning victim's name is in her first case's search text
    else:
        victim = person(state, unit, regions, county, female=True, at=received)
        rows["person"].append(victim)
        victim_id = victim[0]
        names.append(victim[2])
        if len(earlier) < 400:
            earlier.append((victim_id, received, case_id))
        else:
            earlier[rng.randrange(400)] = (victim_id, received, case_id)
    complainant = "victim"
    r = rng.random()
    if r < 0.12:
        complainant = "other"
        relative = person(state, unit, regions, county, female=rng.random() < 0.6, at=received)
        rows["person"].append(relative)
        rows["case_party"].append((state.new_id(), case_id, relative[0], "complainant", "亲属"))
        names.append(relative[2])
    elif r < 0.2:
        complainant = "anonymous"
    if category in RESPONDENT and rng.random() < RESPONDENT[category][1]:
        respondent = person(state, unit, regions, county, female=False, at=received)
        rows["person"].append(respondent)
        rows["case_party"].append((state.new_id(), case_id, respondent[0], "respondent", RESPONDENT[category][0]))
        names.append(respondent[2])

    year = received.astimezone(SHANGHAI).year
    seq = state.counters[(unit.code, year)] = state.counters.get((unit.code, year), 0) + 1
    number = f"WQ-{unit.code}-{year}-{seq:06d}"
    summary = rng.choice(SUMMARIES[category])
    description = f"{summary}。当事人来自{regions.full_name(unit)}，经初步了解，情况属实，需进一步核实处理。"
    events: list[tuple[Any, ...]] = [
        (
            case_id,
            received,
            operator[0],
            operator[1],
            "created",
            None,
            "received",
            f"登记 {number}",
            {"channel": channel},
        )
    ]
    level, score, assessed_at = RiskLevel.low, None, None
    if category == "domestic_violence" or rng.random() < 0.05:
        answers = RiskAnswers(**{q: rng.random() < 0.18 for q in QUESTIONS})
        score, level = assess(answers)
        assessed_at = received
        rows["risk_assessment"].append(
            (state.new_id(), case_id, json.dumps(answers.model_dump()), score, level.value, received, *operator)
        )
        events.append((case_id, received, *operator, "risk_assessed", None, None, f"风险评估: {level.value}", {}))
    steps = lifecycle(rng, received, state.now, declined=rng.random() < 0.04)
    t: dict[str, datetime | None] = dict.fromkeys(("accepted", "declined", "in_progress", "resolved"), None)
    t.update(dict.fromkeys(("followed_up", "archived"), None))
    status, previous = "received", "received"
    handler: tuple[str | None, str] = (None, "")
    assigned_at = None
    for step, at in steps:
        t[step] = at
        if step == "accepted":
            handler, assigned_at = rng.choice(staff.handlers), at
            events.append((case_id, at, *operator, "assigned", None, None, f"承办人: {handler[1]}", {}))
        actor = (handler[0] or operator[0], handler[1] or operator[1])
        events.append((case_id, at, *actor, "transition", previous, step, f"{previous} → {step}", {}))
        previous = status = step
    resolved = t["resolved"] is not None
    resolution = rng.choice(RESOLUTIONS) if resolved else None
    rows["rights_case"].append(
        (
            case_id,
            number,
            unit.code,
            unit.path,
            unit.path,
            channel,
            received,
            operator[0],
            operator[1],
            rng.choice(AGENCIES) if channel == "partner_referral" else "",
            f"110-{rng.randrange(10**8):08d}" if channel == "partner_referral" else "",
            summary,
            description,
            category,
            sub,
            secondary,
            victim_id,
            complainant,
            level.value,
            RISK_RANK[level],
            level in URGENT_LEVELS,
            assessed_at,
            status,
            *handler,
            assigned_at,
            add_working_days(received, 1),
            t["accepted"] + timedelta(days=30) if t["accepted"] else None,
            t["accepted"],
            t["declined"],
            t["in_progress"],
            t["resolved"],
            t["followed_up"],
            t["archived"],
            None,
            "不属于妇联受理范围，已告知当事人向有关部门反映" if t["declined"] else "",
            "经调解双方达成协议，当事人表示满意" if resolved else "",
            resolution,
            rng.randint(3, 5) if t["followed_up"] else None,
            "电话回访，当事人生活已恢复正常" if t["followed_up"] else "",
            "",
            0,
            " ".join([number, *(n for n in names if n), summary, description]),
            received,
            steps[-1][1] if steps else received,
            1 + len(steps) + (1 if assigned_at else 0),
        )
    )
    for event in events:
        rows["case_event"].append((*event[:8], json.dumps(event[8], ensure_ascii=False)))
    if reuse and received - reuse[1] <= timedelta(days=90):
        for a, b in ((case_id, reuse[2]), (reuse[2], case_id)):
            rows["case_link"].append((state.new_id(), a, b, ["same_person"], "possible", received))
    state.ids.append(case_id)


def arrival_times(rng: random.Random, n: int, now: datetime) -> list[datetime]:
    """`n` moments over the last five years, in order, each year about 8 % busier than the one before."""
    span = YEARS * 365 * 86400
    start = now - timedelta(seconds=span)
    return sorted(start + timedelta(seconds=span * rng.random() ** 0.85) for _ in range(n))


async def generate(conn: asyncpg.Connection, *, regions: Regions, n: int, data_dir: Path, ids_file: Path) -> int:
    """Write `n` cases with their people, parties, timelines, risk assessments and duplicate links."""
    cipher = load_cipher(Settings(data_dir=data_dir))
    rng = random.Random(12338)
    state = State(rng=rng, cipher=cipher, now=datetime.now(UTC))
    counties = regions.level(3)
    villages_per_county: dict[str, int] = {}
    for v in regions.level(5):
        villages_per_county[v.path.split("/")[3]] = villages_per_county.get(v.path.split("/")[3], 0) + 1
    weights = list(accumulate(villages_per_county.get(c.code, 1) + 20 for c in counties))
    townships: dict[str, list[Unit]] = {}
    for t in regions.level(4):
        townships.setdefault(t.parent or "", []).append(t)
    columns = {
        "person": PERSON_COLUMNS,
        "rights_case": CASE_COLUMNS,
        "case_party": PARTY_COLUMNS,
        "case_event": EVENT_COLUMNS,
        "risk_assessment": RISK_COLUMNS,
        "case_link": LINK_COLUMNS,
    }
    async with without_indexes(conn, TABLES):
        for i, received in enumerate(arrival_times(rng, n, state.now), 1):
            county = counties[bisect(weights, rng.random() * weights[-1])]
            one_case(state, regions, county, townships.get(county.code, []), received)
            if i % CHUNK == 0 or i == n:
                for table in TABLES:  # parents first: people, then cases, then what hangs on them
                    await copy(conn, table, columns[table], state.rows[table])
                    state.rows[table] = []
                if i % 200_000 == 0:
                    print(f"    {i:,} cases", flush=True)
    await copy(
        conn,
        "case_number_counter",
        ["org_code", "year", "last_seq"],
        [(code, year, seq) for (code, year), seq in state.counters.items()],
    )
    sample = "\n".join(str(i) for i in state.ids[:: max(1, n // 20_000)])
    ids_file.write_text(sample + "\n")  # noqa: ASYNC240 (one write at the end; nothing else waits)
    return n
