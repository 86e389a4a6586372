"""Loading the programme catalogue through the same checks the API applies; what exists already is left alone."""

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.auth import Principal
from halfsky_indicators.access import audit
from halfsky_indicators.datasets.models import DataSet
from halfsky_indicators.datasets.schemas import DataSetCreate
from halfsky_indicators.datasets.service import create_data_set
from halfsky_indicators.elements.models import DataElement
from halfsky_indicators.elements.schemas import ElementCreate
from halfsky_indicators.elements.service import create_element
from halfsky_indicators.indicators.models import Indicator
from halfsky_indicators.indicators.schemas import IndicatorCreate
from halfsky_indicators.indicators.service import create_indicator
from halfsky_indicators.plans.models import Plan
from halfsky_indicators.plans.schemas import PlanCreate
from halfsky_indicators.plans.service import create_plan, get_by_code
from halfsky_indicators.seed.catalogue import DATA, load
from halfsky_indicators.validation.models import ValidationRule
from halfsky_indicators.validation.schemas import RuleCreate
from halfsky_indicators.validation.service import create_rule

SEEDER = Principal(id="system:seed", name="目录初始化", roles=frozenset({"admin"}), org="", org_path="/")


async def _codes(session: AsyncSession, model: Any) -> set[str]:
    return set((await session.execute(select(col(model.code)))).scalars())


async def seed_catalogue(session: AsyncSession, actor: Principal = SEEDER, directory: Path = DATA) -> dict[str, int]:
    """Plans, elements, indicators (with targets), data sets and rules; returns how many of each were added."""
    c = load(directory)
    added = dict.fromkeys(("plans", "elements", "indicators", "data_sets", "rules"), 0)
    have = await _codes(session, Plan)
    for plan_spec in c.plans:
        if plan_spec["code"] not in have:
            await create_plan(session, user=actor, body=PlanCreate(**plan_spec))
            added["plans"] += 1
    have = await _codes(session, DataElement)
    for element in c.elements:
        if element["code"] not in have:
            await create_element(session, body=ElementCreate(**element), owner=actor.org_path)
            added["elements"] += 1
    have = await _codes(session, Indicator)
    for spec in c.indicators:
        if spec["code"] not in have:
            plan = await get_by_code(session, spec["plan"])
            await create_indicator(session, user=actor, body=IndicatorCreate(**spec), plan=plan)
            added["indicators"] += 1
    have = await _codes(session, DataSet)
    for data_set in c.data_sets:
        if data_set["code"] not in have:
            await create_data_set(session, body=DataSetCreate(**data_set), owner=actor.org_path)
            added["data_sets"] += 1
    have = await _codes(session, ValidationRule)
    for rule in c.rules:
        if rule["code"] not in have:
            await create_rule(session, body=RuleCreate(**rule), owner=actor.org_path)
            added["rules"] += 1
    audit(session, actor, "catalogue.seed", "catalogue", "programmes", added=added)
    return added
