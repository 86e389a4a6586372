"""What an org path says of itself, written once for the gateway and the three services (issue 13)."""

import pytest

from halfsky_common.orgpaths import ancestor, at_most, child, code_of, depth, join, parent, path_from_code, segments

VILLAGE = "/44/4401/440106/440106001/440106001001/"


def test_a_path_names_its_code_depth_parent_and_ancestors() -> None:
    assert segments("/44/4401/") == ["44", "4401"] and segments("/") == []
    assert (code_of(VILLAGE), depth(VILLAGE)) == ("440106001001", 5)
    assert (code_of("/"), depth("/")) == ("", 0)
    assert parent("/44/4401/440106/") == "/44/4401/" and parent("/44/") is None
    assert ancestor(VILLAGE, 3) == "/44/4401/440106/" and ancestor("/44/4401/", 3) is None
    assert at_most(VILLAGE, 3) == "/44/4401/440106/" and at_most("/44/4401/", 3) == "/44/4401/"
    assert child("/44/", "4401") == "/44/4401/" and child(None, "44") == "/44/"
    assert join(["44", "4401"]) == "/44/4401/" and join([]) == "/"


def test_a_division_code_gives_the_path_it_was_loaded_at() -> None:
    assert path_from_code("440106001") == "/44/4401/440106/440106001/"
    for bad in ("4", "44010", "4401060011", "x"):
        with pytest.raises(ValueError):
            path_from_code(bad)
