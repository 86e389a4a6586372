"""The micro-loan chain as a table: village certifies, township submits, county gives its opinion."""

from dataclasses import dataclass

from halfsky_projects.loans.models import LoanStatus as L


@dataclass(frozen=True)
class Step:
    """A step: from `source` to `target` when approved, taken at org level `level` (path depth) by `roles`."""

    source: L
    target: L
    level: int
    roles: frozenset[str]
    unit: str


STEPS: dict[str, Step] = {
    "certify": Step(L.applied, L.certified, 5, frozenset({"project_manager", "leader"}), "village women's committee"),
    "submit": Step(L.certified, L.submitted, 4, frozenset({"project_manager", "leader"}), "township federation"),
    "opinion": Step(L.submitted, L.endorsed, 3, frozenset({"leader"}), "county federation"),
}
GRANT_FROM = L.endorsed
GRANT_MAX_LEVEL = 3
