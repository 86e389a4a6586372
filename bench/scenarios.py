"""The six request kinds the issue names, as wrk scenarios over the generated data."""

import json
import random
from datetime import date, timedelta

from bench import people
from bench.gen_indicators import DATA_SET, ELEMENTS, INDICATOR
from bench.load import ENTRY, INTAKE, ITEMS, Scenario
from bench.regions import Regions
from bench.system import Users
from bench.vocabulary import CATEGORIES, RESPONDENT, SUMMARIES
from halfsky_cases.cases.enums import SUBCATEGORIES, Category
from halfsky_cases.cases.risk import QUESTIONS
from halfsky_common.periods import parse


def list_filters(today: date) -> list[tuple[str, str, str]]:
    """(label, path, user): the lists people open every day, from a district case worker up to the province."""
    year_ago, month_ago = today - timedelta(days=365), today - timedelta(days=30)
    return [
        (
            "district worker: open cases",
            "/cases?status=received&status=accepted&status=in_progress&limit=20",
            "bench_caseworker",
        ),
        (
            "district worker: domestic violence, last year",
            f"/cases?category=domestic_violence&received_from={year_ago}&limit=20",
            "bench_caseworker",
        ),
        ("city leader: urgent in progress", "/cases?urgent=true&status=in_progress&limit=20", "bench_city_leader"),
        (
            "province leader: hotline, last 30 days",
            f"/cases?channel=hotline&received_from={month_ago}&limit=20",
            "bench_leader",
        ),
        ("province leader: overdue", "/cases?overdue=true&limit=20", "bench_leader"),
        ("province leader: name search", "/cases?q=%E9%99%88%E7%A7%80&limit=20", "bench_leader"),  # q=陈秀
    ]


def intake_bodies(regions: Regions, n: int = 400, seed: int = 110) -> list[str]:
    """Varied intake requests as a mobile app or hotline form sends them (the same ones for the same seed)."""
    rng = random.Random(seed)
    counties = regions.level(3)
    bodies = []
    for _ in range(n):
        category = rng.choices(list(CATEGORIES), weights=list(CATEGORIES.values()))[0]
        subs = sorted(SUBCATEGORIES.get(Category(category), frozenset()))
        county = rng.choice(counties)
        birth = people.birth_date(rng, low=18, high=70, on=date.today())
        body: dict[str, object] = {
            "channel": rng.choice(["hotline", "hotline", "mobile_app", "visit", "online"]),
            "summary": rng.choice(SUMMARIES[category]),
            "description": "当事人来电反映情况，情绪激动，已初步安抚并登记。",
            "primary_category": category,
            "subcategory": rng.choice(subs) if subs else "",
            "victim": {
                "name": people.name(rng),
                "sex": "female",
                "birth_date": str(birth),
                "phone": people.mobile(rng),
                "id_number": people.id_number(rng, county.code, birth, female=True),
                "address": people.address(rng, regions.full_name(county)),
            },
        }
        if category in RESPONDENT:
            body["respondents"] = [
                {
                    "person": {"name": people.name(rng, female=False), "sex": "male"},
                    "relationship": RESPONDENT[category][0],
                }
            ]
        if category == "domestic_violence":
            body["risk"] = {q: rng.random() < 0.2 for q in QUESTIONS}
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies


def month_range(first: str, last: str) -> list[str]:
    """Month codes from `first` to `last`, both included."""
    a, b = int(first[:4]) * 12 + int(first[4:]) - 1, int(last[:4]) * 12 + int(last[4:]) - 1
    return [f"{k // 12:04d}{k % 12 + 1:02d}" for k in range(a, b + 1)]


def entry_months(last_generated: str, runs: int) -> list[str]:
    """Months after the generated five years, one per run, so no two runs save the same form."""
    start = parse(last_generated).last + timedelta(days=1)
    index = start.year * 12 + start.month - 1
    return [f"{(index + k) // 12:04d}{(index + k) % 12 + 1:02d}" for k in range(runs)]


def build(
    *,
    users: Users,
    regions: Regions,
    case_ids: list[str],
    project_ids: list[str],
    months: list[str],
    elements: int,
    entry_runs: int,
) -> list[Scenario]:
    today = date.today()
    names = list(users.tokens)
    token = {name: i + 1 for i, name in enumerate(names)}  # Lua arrays start at 1
    tokens = [users.tokens[n] for n in names]
    hotline = [users.tokens[n] for n in names if n.startswith("bench_hotline_")]
    analytics = f"/indicators/analytics?indicators={INDICATOR}&orgs=44&level=county&periods={months[0]}-{months[-1]}"
    return [
        Scenario(
            "case_intake",
            "case intake (POST /cases/intake)",
            "cases",
            INTAKE,
            {"TOKENS": hotline, "BODIES": intake_bodies(regions)},
        ),
        Scenario(
            "case_list",
            "filtered case list (GET /cases?…)",
            "cases",
            ITEMS,
            {"TOKENS": tokens, "ITEMS": [[path, token[user]] for _, path, user in list_filters(today)[:5]]},
        ),
        Scenario(
            "case_detail",
            "case detail (GET /cases/{id})",
            "cases",
            ITEMS,
            {"TOKENS": tokens, "ITEMS": [[f"/cases/{i}", token["bench_leader"]] for i in case_ids]},
        ),
        Scenario(
            "project_detail",
            "project detail (GET /projects/{id})",
            "projects",
            ITEMS,
            {"TOKENS": tokens, "ITEMS": [[f"/projects/{i}", token["bench_leader"]] for i in project_ids]},
        ),
        Scenario(
            "data_entry",
            f"data-value entry (PUT a village's monthly form, {elements} values)",
            "indicators",
            ENTRY,
            {
                "TOKENS": [users.tokens["bench_stats"]],
                "DATA_SET": DATA_SET,
                "ELEMENTS": [e.code for e in ELEMENTS[:elements]],
                "VILLAGES": [u.code for u in regions.level(5)],
            },
            per_run={"PERIOD": entry_months(months[-1], entry_runs)},
        ),
        Scenario(
            "analytics",
            "province analytics (1 indicator × counties × 60 months)",
            "indicators",
            ITEMS,
            {"TOKENS": tokens, "ITEMS": [[analytics, token["bench_leader"]]]},
        ),
    ]
