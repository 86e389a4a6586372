"""Expressions over data elements: parsed by a small grammar, evaluated in Decimal, never eval'd."""

from decimal import Decimal

import pytest

from halfsky_indicators.expressions import ExpressionError, evaluate, parse_expression, parse_rule


def test_references_and_arithmetic() -> None:
    e = parse_expression("#{a} + #{b} * 2 - (#{c} - 1) / 4")
    assert e.refs == {"a", "b", "c"}
    assert evaluate(e, {"a": Decimal(10), "b": Decimal(3), "c": Decimal(9)}).value == Decimal(14)


def test_unary_minus_and_precedence() -> None:
    e = parse_expression("-#{a} * -2 + 1")
    assert evaluate(e, {"a": Decimal("1.5")}).value == Decimal(4)


def test_missing_elements_count_as_zero_unless_all_are_missing() -> None:
    e = parse_expression("#{a} + #{b}")
    assert evaluate(e, {"a": Decimal(5)}).value == Decimal(5)
    none = evaluate(e, {})
    assert none.value is None and none.reason == "no data"


def test_division_by_zero_gives_no_value_with_a_reason() -> None:
    result = evaluate(parse_expression("#{a} / #{b}"), {"a": Decimal(1), "b": Decimal(0)})
    assert result.value is None
    assert "division by zero" in (result.reason or "")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("#{a} +", "ends too early"),
        ("(#{a} + 1", "never closed"),
        ("#{a} #{b}", "unexpected"),
        ("#{Bad-Code}", "#{code}"),
        ("__import__('os').system('true')", "unexpected"),
        ("#{a}; import os", "unexpected"),
        ("lambda: 1", "unexpected"),
        ("12 + 3", "names no data element"),
        ("#{a} ** 2", "expected a number"),
        ("(" * 60 + "#{a}" + ")" * 60, "nests too deeply"),
    ],
)
def test_bad_expressions_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ExpressionError) as exc:
        parse_expression(text)
    assert says in str(exc.value)


def test_an_overlong_expression_is_refused() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse_expression(" + ".join(["#{a}"] * 600))


def test_rules_compare_two_sides() -> None:
    rule = parse_rule("#{employed} <= #{trained}")
    assert (rule.left.text, rule.op, rule.right.text) == ("#{employed}", "<=", "#{trained}")
    assert rule.refs == {"employed", "trained"}
    with pytest.raises(ExpressionError, match="compares two sides"):
        parse_rule("#{employed} + #{trained}")
    with pytest.raises(ExpressionError, match="unexpected"):
        parse_rule("#{a} <= #{b} <= #{c}")
