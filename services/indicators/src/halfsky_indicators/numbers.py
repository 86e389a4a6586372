"""Exact numbers as figures are printed: half-up rounding to a number of decimals, and no trailing zeros."""

from decimal import ROUND_HALF_UP, Decimal


def rounded(value: Decimal, decimals: int) -> Decimal:
    """Half-up rounding to the given decimals (how figures are printed and judged)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def plain(d: Decimal | None) -> Decimal | None:
    """Drop trailing zeros without scientific notation."""
    if d is None:
        return None
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
