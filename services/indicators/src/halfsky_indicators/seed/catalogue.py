"""The programme catalogue, kept as data files an operator can read and extend (seed/data/):

- plans.csv: the outlines and local plans (code, names, kind, plan period, jurisdiction, where it comes from);
- elements.csv: what is counted, manual or pulled from a feed (the stats contract's measures);
- indicators.csv: formulas over elements, unit, direction, comparator and the official target with its year;
- forms_and_rules.json: checklist items, data sets and validation rules.

Figures and thresholds come from /shared/domain (seeds-000, -001, -003-004) and the 2021–2030 outlines.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Catalogue:
    plans: list[dict[str, Any]]
    elements: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    data_sets: list[dict[str, Any]]
    rules: list[dict[str, Any]]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _given(row: dict[str, str]) -> dict[str, Any]:
    """The row without its empty cells (so the schema's defaults apply)."""
    return {k: v for k, v in row.items() if v != ""}


def _indicator(row: dict[str, str], checklists: dict[str, Any]) -> dict[str, Any]:
    spec = _given(row)
    target, year = spec.pop("target", None), spec.pop("target_year", None)
    spec["targets"] = [{"year": int(year), "value": target}] if target is not None and year is not None else []
    if row["code"] in checklists:
        spec["checklist"] = checklists[row["code"]]
    return spec


def load(directory: Path = DATA) -> Catalogue:
    """Read a catalogue from its files."""
    extra = json.loads((directory / "forms_and_rules.json").read_text(encoding="utf-8"))
    return Catalogue(
        plans=[_given(r) for r in _rows(directory / "plans.csv")],
        elements=[_given(r) for r in _rows(directory / "elements.csv")],
        indicators=[_indicator(r, extra["checklists"]) for r in _rows(directory / "indicators.csv")],
        data_sets=extra["data_sets"],
        rules=extra["rules"],
    )
