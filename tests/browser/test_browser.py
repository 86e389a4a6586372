"""The SPA in Debian's chromium against the whole system (see conftest.py and scenarios/)."""

from collections.abc import Callable


def test_sign_in_lockout_unlock_role_menu_and_language(scenario: Callable[[str], dict[str, object]]) -> None:
    assert scenario("auth")["ok"] is True


def test_admin_screens_field_errors_and_token_refresh_keep_the_form(
    scenario: Callable[[str], dict[str, object]],
) -> None:
    assert scenario("admin")["ok"] is True
