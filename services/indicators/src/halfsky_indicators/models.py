"""Every indicators table, imported in one place for Alembic."""

from halfsky_indicators.analytics.rollup import AnalyticsRollup
from halfsky_indicators.analytics.table import AnalyticsValue
from halfsky_indicators.assessments.models import Assessment
from halfsky_indicators.base import AuditEntry, Base
from halfsky_indicators.datasets.models import DataSet, DataSetElement, DataSetOrgUnit
from halfsky_indicators.derived.models import DerivedPull
from halfsky_indicators.elements.models import DataElement
from halfsky_indicators.entry.models import DataSetReport, DataValue
from halfsky_indicators.figures.models import ReportedFigure
from halfsky_indicators.idempotency import IdempotencyRecord
from halfsky_indicators.indicators.models import Indicator, Target
from halfsky_indicators.orglabels.models import OrgLabel
from halfsky_indicators.orgtree.models import OrgUnitPlace
from halfsky_indicators.plans.models import Plan
from halfsky_indicators.validation.models import ValidationRule

__all__ = [
    "AnalyticsRollup",
    "AnalyticsValue",
    "Assessment",
    "AuditEntry",
    "Base",
    "DataElement",
    "DataSet",
    "DataSetElement",
    "DataSetOrgUnit",
    "DataSetReport",
    "DataValue",
    "DerivedPull",
    "IdempotencyRecord",
    "Indicator",
    "OrgLabel",
    "OrgUnitPlace",
    "Plan",
    "ReportedFigure",
    "Target",
    "ValidationRule",
]
