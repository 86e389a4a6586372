"""Intake (登记): people as records, a case number, the risk level, deadlines and duplicate links.

Intake is the busiest write, so it skips the ORM's unit of work: every row is built as a dict and written with
one Core `INSERT` per table on the request's transaction (the people, then the case and what hangs on it), the
number is taken with a single upsert as late as possible (its row lock queues the org's other intakes), and
nothing just written is read back.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.deadlines import add_working_days
from halfsky_cases.cases.duplicates import Victim, find_duplicates, link_rows
from halfsky_cases.cases.enums import RISK_RANK, URGENT_LEVELS, ComplainantKind, RiskLevel
from halfsky_cases.cases.models import Case, CaseEvent, CaseLink, CaseParty, RiskAssessment
from halfsky_cases.cases.numbering import next_number
from halfsky_cases.cases.risk import RiskAnswers, assess
from halfsky_cases.cases.schemas import CaseCreate
from halfsky_cases.cases.timeline import event_row
from halfsky_cases.config import Settings
from halfsky_cases.parties.models import Person
from halfsky_cases.parties.service import person_row
from halfsky_cases.protection.crypto import FieldCipher
from halfsky_common.audit import audit_row, utcnow
from halfsky_common.auth import Principal
from halfsky_common.clock import SHANGHAI
from halfsky_common.problems import Problem, field_error
from halfsky_common.rows import insert_together, new_row, table_of

_PERSON, _CASE, _PARTY = table_of(Person), table_of(Case), table_of(CaseParty)
_EVENT, _RISK, _LINK, _AUDIT = table_of(CaseEvent), table_of(RiskAssessment), table_of(CaseLink), table_of(AuditEntry)


def join_search_text(number: str, names: list[str], summary: str, description: str) -> str:
    """What text search looks in: number, names of the parties, summary and description."""
    return " ".join([number, *names, summary, description])


def search_text(case: Case, names: list[str]) -> str:
    """The search text of a case whose parties have these names."""
    return join_search_text(case.number, names, case.summary, case.description)


def risk_columns(level: RiskLevel, at: datetime) -> dict[str, Any]:
    """The case's level; high and critical make it urgent (first in every work list)."""
    return {
        "risk_level": level.value,
        "risk_rank": RISK_RANK[level],
        "urgent": level in URGENT_LEVELS,
        "risk_assessed_at": at,
    }


def record_assessment(session: AsyncSession, *, case: Case, answers: RiskAnswers, actor: Principal) -> RiskAssessment:
    """Score the questionnaire, keep it, and update the case."""
    score, level = assess(answers)
    assessment = RiskAssessment(
        case_id=case.id,
        answers=answers.model_dump(),
        score=score,
        level=level.value,
        assessor_id=actor.id,
        assessor_name=actor.name,
    )
    session.add(assessment)
    for name, value in risk_columns(level, assessment.assessed_at).items():
        setattr(case, name, value)
    return assessment


async def _existing_victim(session: AsyncSession, *, data: CaseCreate, actor: Principal) -> Person:
    if actor.kind != "user":
        raise Problem(422, "Partners give the victim's details.", errors=[field_error("victim_id", "not allowed")])
    found = await session.get(Person, data.victim_id)
    if found is None or not actor.sees(found.org_path):
        raise Problem(422, "No such person.", errors=[field_error("victim_id", "unknown person")])
    return found


async def intake_case(
    *,
    session: AsyncSession,
    cipher: FieldCipher,
    settings: Settings,
    data: CaseCreate,
    actor: Principal,
    org_code: str,
) -> dict[str, Any]:
    """Register a case at the caller's org unit, numbered, with its parties, risk level and duplicate links.

    Returns the case's row as written (what `Case(**row)` would hold, less the generated search bigrams).
    """
    now = utcnow()
    received_at = data.received_at or now
    people: list[dict[str, Any]] = []
    if data.victim is not None:
        people.append(person_row(cipher=cipher, data=data.victim, org_path=actor.org_path))
        victim = Victim.of(people[0])
    else:
        victim = Victim.of(await _existing_victim(session, data=data, actor=actor))
    parties: list[tuple[str, str, dict[str, Any]]] = []
    if data.complainant.kind == ComplainantKind.other and data.complainant.person is not None:
        person = person_row(cipher=cipher, data=data.complainant.person, org_path=actor.org_path)
        parties.append(("complainant", data.complainant.relationship, person))
    for respondent in data.respondents:
        person = person_row(cipher=cipher, data=respondent.person, org_path=actor.org_path)
        parties.append(("respondent", respondent.relationship.value, person))
    linked = await find_duplicates(
        session=session, victim=victim, received_at=received_at, window_days=settings.duplicate_window_days
    )

    case_id = uuid.uuid4()
    assessment: dict[str, Any] | None = None
    risk: dict[str, Any] = {}
    if data.risk is not None:
        score, level = assess(data.risk)
        assessment = new_row(
            RiskAssessment,
            case_id=case_id,
            answers=data.risk.model_dump(),
            score=score,
            level=level.value,
            assessed_at=now,
            assessor_id=actor.id,
            assessor_name=actor.name,
        )
        risk = risk_columns(level, now)
    number = await next_number(session=session, org_code=org_code, year=now.astimezone(SHANGHAI).year)
    case = new_row(
        Case,
        id=case_id,
        number=number,
        org_code=org_code,
        org_path=actor.org_path,
        received_org_path=actor.org_path,
        channel=data.channel.value,
        received_at=received_at,
        operator_id=actor.id,
        operator_name=actor.name,
        source_agency=data.source_agency,
        external_ref=data.external_ref,
        summary=data.summary,
        description=data.description,
        primary_category=data.primary_category.value,
        subcategory=data.subcategory,
        secondary_categories=[c.value for c in data.secondary_categories],
        victim_id=victim.id,
        complainant_kind=data.complainant.kind.value,
        accept_due_at=add_working_days(received_at, settings.accept_working_days),
        search_text=join_search_text(
            number, [victim.name, *(p["name"] for _, _, p in parties)], data.summary, data.description
        ),
        created_at=now,
        updated_at=now,
        **risk,
    )
    events = [
        event_row(
            case_id=case_id,
            actor=actor,
            kind="created",
            to_status=case["status"],
            summary=f"登记 {number}",
            channel=case["channel"],
        )
    ]
    if assessment is not None:
        events.append(
            event_row(
                case_id=case_id,
                actor=actor,
                kind="risk_assessed",
                summary=f"风险评估: {assessment['level']}",
                score=assessment["score"],
                level=assessment["level"],
            )
        )
    if linked:
        events.append(
            event_row(
                case_id=case_id,
                actor=actor,
                kind="duplicates_linked",
                summary="可能重复: " + ", ".join(m.number for m in linked),
                cases=[str(m.case_id) for m in linked],
            )
        )
    audit = audit_row(
        actor=actor,
        action="case.intake",
        entity_type="case",
        entity_id=case_id,
        org_path=actor.org_path,
        number=number,
        channel=case["channel"],
    )
    parties_rows = [
        new_row(CaseParty, case_id=case_id, person_id=p["id"], role=role, relationship=relationship)
        for role, relationship, p in parties
    ]
    await insert_together(
        await session.connection(),
        [
            (_PERSON, people + [p for _, _, p in parties]),
            (_CASE, [case]),
            (_PARTY, parties_rows),
            (_EVENT, events),
            (_RISK, [assessment] if assessment is not None else []),
            (_LINK, link_rows(case_id, linked)),
            (_AUDIT, [new_row(AuditEntry, **audit)]),
        ],
    )
    return case
