"""Every route × every caller gets the answer authz_matrix.toml says; a route without a row fails."""

import os
from pathlib import Path

from authz_probe import COMPONENTS, load_matrix, load_routes, observe, render
from security_world import PERSONAS, World


def test_every_route_has_a_reviewed_row_and_every_row_a_route(world: World) -> None:
    routes = load_routes(world)
    matrix = load_matrix()
    published = {(r.component, r.key) for r in routes}
    listed = {(component, key) for component, rows in matrix.items() for key in rows}
    assert set(matrix) <= set(COMPONENTS), f"unknown sections: {set(matrix) - set(COMPONENTS)}"
    missing = sorted(published - listed)
    stale = sorted(listed - published)
    assert not missing, "routes without a row in authz_matrix.toml (review and add them):\n" + "\n".join(
        f"  [{c}] {k}" for c, k in missing
    )
    assert not stale, "rows for routes that no longer exist:\n" + "\n".join(f"  [{c}] {k}" for c, k in stale)


async def test_each_caller_gets_the_expected_answer_on_every_route(world: World) -> None:
    routes = load_routes(world)
    matrix = load_matrix()
    routes = [r for r in routes if r.key in matrix.get(r.component, {})]
    seen = await observe(world, routes)
    if dump := os.environ.get("HALFSKY_AUTHZ_DUMP"):  # to review a new route's row: HALFSKY_AUTHZ_DUMP=/tmp/m.toml
        Path(dump).write_text(render(routes, seen), encoding="utf-8")
    wrong = [
        f"  [{r.component}] {r.key:<60} {p:<17} expected {want}, got {got}"
        for r in routes
        for p in PERSONAS
        if (got := seen[(r.component, r.key, p)]) != (want := matrix[r.component][r.key][p])
    ]
    assert not wrong, f"{len(wrong)} answers differ from authz_matrix.toml:\n" + "\n".join(wrong)
