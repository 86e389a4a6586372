"""Scoring evaluations against the criteria of the nearest unit that configured them."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, literal
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record, utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error, illegal_transition
from halfsky_projects.attachments.service import require
from halfsky_projects.base import AuditEntry
from halfsky_projects.beneficiaries.service import check_in_dates
from halfsky_projects.evaluations.models import CriteriaSet, Evaluation, EvaluationKind
from halfsky_projects.evaluations.schemas import CriteriaSetBody, EvaluationCreate, Score
from halfsky_projects.projects.models import Project
from halfsky_projects.projects.models import ProjectStatus as S

WHEN = {
    EvaluationKind.baseline: frozenset({S.draft, S.returned, S.submitted, S.under_review, S.approved, S.in_progress}),
    EvaluationKind.half_year: frozenset({S.in_progress, S.suspended, S.closing}),
    EvaluationKind.annual: frozenset({S.in_progress, S.suspended, S.closing}),
    EvaluationKind.final: frozenset({S.in_progress, S.closing}),
}


async def set_criteria(
    session: AsyncSession, *, actor: Principal, kind: EvaluationKind, data: CriteriaSetBody
) -> CriteriaSet:
    """Set the criteria of the caller's unit for one kind of evaluation."""
    row = (
        await session.execute(
            select(CriteriaSet)
            .where(CriteriaSet.org_path == actor.org_path, CriteriaSet.kind == kind)
            .with_for_update()
        )
    ).scalar_one_or_none()
    criteria = [c.model_dump() for c in data.criteria]
    if row is None:
        row = CriteriaSet(org_path=actor.org_path, kind=kind, criteria=criteria, updated_by=actor.id)
        session.add(row)
    else:
        row.criteria, row.updated_by, row.updated_at = criteria, actor.id, utcnow()
        row.version += 1
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="evaluation.criteria",
        entity_type="evaluation_criteria",
        entity_id=row.id,
        org_path=actor.org_path,
        kind=kind,
        codes=[c["code"] for c in criteria],
    )
    return row


async def criteria_for(session: AsyncSession, *, org_path: str, kind: str) -> CriteriaSet | None:
    """The criteria set by the nearest unit at or above `org_path`."""
    stmt = (
        select(CriteriaSet)
        .where(CriteriaSet.kind == kind, literal(org_path).startswith(col(CriteriaSet.org_path)))
        .order_by(func.length(col(CriteriaSet.org_path)).desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _scored(scores: list[Score], criteria: CriteriaSet | None) -> tuple[list[dict[str, Any]], Decimal | None]:
    if criteria is not None:
        wanted = {c["code"]: c for c in criteria.criteria}
        given = {s.code: s for s in scores}
        if set(given) != set(wanted):
            missing, extra = sorted(set(wanted) - set(given)), sorted(set(given) - set(wanted))
            raise Problem(
                422,
                "Score exactly the configured criteria.",
                errors=[
                    field_error("scores", f"missing {', '.join(missing) or '-'}; unknown {', '.join(extra) or '-'}")
                ],
            )
        scores = [
            Score(code=code, score=given[code].score, name=c["name"], weight=c["weight"], max_score=c["max_score"])
            for code, c in wanted.items()
        ]
    for i, s in enumerate(scores):
        if s.score > s.max_score:
            raise Problem(
                422,
                f"{s.code} scores above its maximum of {s.max_score}.",
                errors=[field_error(f"scores.{i}.score", "above max_score")],
            )
    if not scores:
        return [], None
    weights = sum(s.weight for s in scores)
    total = sum((s.score / s.max_score * s.weight for s in scores), Decimal(0)) * 100 / weights
    return [s.model_dump(mode="json") for s in scores], total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


async def record_evaluation(
    session: AsyncSession, *, actor: Principal, project: Project, data: EvaluationCreate
) -> Evaluation:
    """Record an evaluation with its report; the kind must fit the project's stage."""
    kind = EvaluationKind(data.kind)
    if project.status not in WHEN[kind]:
        raise illegal_transition(
            f"A {kind} evaluation does not fit a project that is {project.status}.",
            current=project.status,
            allowed_from=WHEN[kind],
        )
    if kind != EvaluationKind.baseline:
        check_in_dates(project, data.conducted_on, "conducted_on")
    await require(session, project=project, attachment_id=data.report_id, field="report_id")
    if kind == EvaluationKind.final and data.continue_next_round is None:
        raise Problem(
            422,
            "A final evaluation says whether the work goes on (是否继续开展).",
            errors=[field_error("continue_next_round", "required for final evaluations")],
        )
    scores, total = _scored(data.scores, await criteria_for(session, org_path=project.org_path, kind=kind))
    evaluation = Evaluation(
        project_id=project.id,
        org_path=project.org_path,
        created_by=actor.id,
        scores=scores,
        total_score=total,
        **data.model_dump(exclude={"scores"}),
    )
    session.add(evaluation)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="evaluation.create",
        entity_type="evaluation",
        entity_id=evaluation.id,
        org_path=project.org_path,
        kind=kind,
        total_score=str(total),
    )
    return evaluation


async def evaluations_of(session: AsyncSession, *, project: Project) -> list[Evaluation]:
    """A project's evaluations by date."""
    stmt = select(Evaluation).where(Evaluation.project_id == project.id).order_by(col(Evaluation.conducted_on))
    return list((await session.execute(stmt)).scalars().all())


async def has_final(session: AsyncSession, *, project: Project) -> bool:
    """True when the project has a final evaluation."""
    stmt = select(func.count()).where(Evaluation.project_id == project.id, Evaluation.kind == EvaluationKind.final)
    return bool((await session.execute(stmt)).scalar_one())
