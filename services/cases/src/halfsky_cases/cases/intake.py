"""Intake (登记): people as records, a case number, the risk level, deadlines and duplicate links."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.deadlines import SHANGHAI, add_working_days
from halfsky_cases.cases.duplicates import find_and_link
from halfsky_cases.cases.enums import RISK_RANK, URGENT_LEVELS, ComplainantKind, RiskLevel
from halfsky_cases.cases.models import Case, CaseParty, RiskAssessment
from halfsky_cases.cases.numbering import next_number
from halfsky_cases.cases.risk import RiskAnswers, assess
from halfsky_cases.cases.schemas import CaseCreate
from halfsky_cases.cases.timeline import add_event
from halfsky_cases.config import Settings
from halfsky_cases.parties.models import Person
from halfsky_cases.parties.service import new_person
from halfsky_cases.protection.crypto import FieldCipher
from halfsky_common.audit import record, utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error


def search_text(case: Case, names: list[str]) -> str:
    """What text search looks in: number, names of the parties, summary and description."""
    return " ".join([case.number, *names, case.summary, case.description])


def apply_risk(case: Case, level: RiskLevel, at: datetime) -> None:
    """Set the case's level; high and critical make it urgent (first in every work list)."""
    case.risk_level = level.value
    case.risk_rank = RISK_RANK[level]
    case.urgent = level in URGENT_LEVELS
    case.risk_assessed_at = at


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
    apply_risk(case, level, assessment.assessed_at)
    return assessment


async def _victim(session: AsyncSession, *, cipher: FieldCipher, data: CaseCreate, actor: Principal) -> Person:
    if data.victim is not None:
        person = new_person(cipher=cipher, data=data.victim, org_path=actor.org_path)
        session.add(person)
        return person
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
) -> Case:
    """Register a case at the caller's org unit, numbered, with its parties, risk level and duplicate links."""
    now = utcnow()
    received_at = data.received_at or now
    victim = await _victim(session, cipher=cipher, data=data, actor=actor)
    parties: list[tuple[str, str, Person]] = []
    if data.complainant.kind == ComplainantKind.other and data.complainant.person is not None:
        person = new_person(cipher=cipher, data=data.complainant.person, org_path=actor.org_path)
        parties.append(("complainant", data.complainant.relationship, person))
    for respondent in data.respondents:
        person = new_person(cipher=cipher, data=respondent.person, org_path=actor.org_path)
        parties.append(("respondent", respondent.relationship.value, person))
    session.add_all([p for _, _, p in parties])
    await session.flush()

    number = await next_number(session=session, org_code=org_code, year=now.astimezone(SHANGHAI).year)
    case = Case(
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
        created_at=now,
        updated_at=now,
    )
    case.search_text = search_text(case, [victim.name, *(p.name for _, _, p in parties)])
    session.add(case)
    await session.flush()
    for role, relationship, person in parties:
        session.add(CaseParty(case_id=case.id, person_id=person.id, role=role, relationship=relationship))
    add_event(
        session,
        case_id=case.id,
        actor=actor,
        kind="created",
        to_status=case.status,
        summary=f"登记 {number}",
        channel=case.channel,
    )
    if data.risk is not None:
        assessment = record_assessment(session, case=case, answers=data.risk, actor=actor)
        add_event(
            session,
            case_id=case.id,
            actor=actor,
            kind="risk_assessed",
            summary=f"风险评估: {assessment.level}",
            score=assessment.score,
            level=assessment.level,
        )
    linked = await find_and_link(session=session, case=case, victim=victim, window_days=settings.duplicate_window_days)
    if linked:
        add_event(
            session,
            case_id=case.id,
            actor=actor,
            kind="duplicates_linked",
            summary="可能重复: " + ", ".join(c.number for c in linked),
            cases=[str(c.id) for c in linked],
        )
    record(
        session,
        AuditEntry,
        actor=actor,
        action="case.intake",
        entity_type="case",
        entity_id=case.id,
        org_path=case.org_path,
        number=number,
        channel=case.channel,
    )
    await session.flush()
    return case
