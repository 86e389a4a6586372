"""The first start's admin password: a weak HALFSKY_ADMIN_PASSWORD is refused with the reason and the policy, not a
bare CalledProcessError (issue 12, point 13)."""

from pathlib import Path

import pytest

from halfsky_gateway.stack import Stack, StartError


def test_a_weak_admin_password_stops_the_first_start_saying_why_and_what_is_asked(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALFSKY_ADMIN_PASSWORD", "password12")
    stack = Stack(data_dir=tmp_path, urls={"gateway": db_url})
    stack.private_key = stack.public_key = tmp_path / "unused.pem"  # type: ignore[attr-defined]  # start() sets them
    with pytest.raises(StartError) as refused:
        stack._create_admin()  # the step of Stack.start, the CLI in its own process as `make run` runs it
    said = str(refused.value)
    assert "HALFSKY_ADMIN_PASSWORD was refused: too easy to guess" in said
    assert "The password policy: at least 10 characters; hard to guess (zxcvbn strength at least 3 of 4" in said
    assert "Traceback" not in said and "CalledProcessError" not in said
