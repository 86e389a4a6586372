"""Expressions over data elements (`#{trained}`, `#{a} + #{b}`, `#{employed} <= #{trained}`), parsed, never eval'd.

Grammar (a small recursive-descent parser; anything else is an ExpressionError that names the position):

    rule       := expr [ ("<=" | ">=" | "<" | ">" | "==" | "!=") expr ]
    expr       := term { ("+" | "-") term }
    term       := unary { ("*" | "/") unary }
    unary      := "-" unary | atom
    atom       := NUMBER | "#{" code "}" | "(" expr ")"

Evaluation is in Decimal. A missing element counts as zero unless every element the expression names is missing,
in which case the result is "no data"; dividing by zero gives no value with that reason, never an error.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CODE = r"[a-z][a-z0-9_]{0,59}"
CODE_RE = re.compile(rf"^{CODE}$")
MAX_LENGTH = 2000
MAX_DEPTH = 50

_TOKEN = re.compile(rf"\s*(?:(?P<num>\d+(?:\.\d+)?)|#\{{(?P<ref>{CODE})\}}|(?P<op><=|>=|==|!=|[-+*/()<>]))")
COMPARATORS = ("<=", ">=", "<", ">", "==", "!=")


class ExpressionError(ValueError):
    """An expression that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True)
class BinOp:
    op: str
    left: "Node"
    right: "Node"


Node = Num | Ref | Neg | BinOp


@dataclass(frozen=True)
class Expression:
    """A parsed arithmetic expression and the element codes it names."""

    text: str
    root: Node
    refs: frozenset[str]


@dataclass(frozen=True)
class Rule:
    """A parsed comparison `left op right`."""

    text: str
    left: Expression
    op: str
    right: Expression

    @property
    def refs(self) -> frozenset[str]:
        return self.left.refs | self.right.refs


@dataclass(frozen=True)
class Result:
    """A computed number, or None with the reason there is none."""

    value: Decimal | None
    reason: str | None = None


def _tokens(text: str) -> list[tuple[str, str, int]]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            bad = text[pos:].lstrip()[:12]
            if bad.startswith("#"):
                raise ExpressionError(
                    f"at position {pos + 1}: an element is written #{{code}} with a code of lower-case letters, "
                    f"digits and _ (got {bad!r})"
                )
            raise ExpressionError(f"at position {pos + 1}: unexpected {bad!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.i += 1
        return token

    def expr(self) -> Node:
        node = self.term()
        while (t := self.peek()) and t[1] in ("+", "-") and t[0] == "op":
            self.take()
            node = BinOp(t[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (t := self.peek()) and t[1] in ("*", "/") and t[0] == "op":
            self.take()
            node = BinOp(t[1], node, self.unary())
        return node

    def unary(self) -> Node:
        t = self.peek()
        if t and t[0] == "op" and t[1] == "-":
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, value, pos = self.take()
        if kind == "num":
            return Num(Decimal(value))
        if kind == "ref":
            return Ref(value)
        if value == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("the expression nests too deeply")
            node = self.expr()
            closing = self.peek()
            if closing is None or closing[1] != ")":
                raise ExpressionError(f"at position {pos}: this parenthesis is never closed")
            self.take()
            self.depth -= 1
            return node
        raise ExpressionError(f"at position {pos}: expected a number, #{{element}} or '(' but found {value!r}")

    def done(self) -> None:
        t = self.peek()
        if t is not None:
            raise ExpressionError(f"at position {t[2]}: unexpected {t[1]!r}")


def _refs(node: Node) -> frozenset[str]:
    if isinstance(node, Ref):
        return frozenset({node.code})
    if isinstance(node, Neg):
        return _refs(node.operand)
    if isinstance(node, BinOp):
        return _refs(node.left) | _refs(node.right)
    return frozenset()


def parse_expression(text: str) -> Expression:
    """Parse an arithmetic expression over elements."""
    if not text or not text.strip():
        raise ExpressionError("the expression is empty")
    p = _Parser(text)
    root = p.expr()
    p.done()
    refs = _refs(root)
    if not refs:
        raise ExpressionError("the expression names no data element (write one as #{code})")
    return Expression(text=text.strip(), root=root, refs=refs)


def parse_rule(text: str) -> Rule:
    """Parse a comparison of two expressions, e.g. `#{employed} <= #{trained}`."""
    if not text or not text.strip():
        raise ExpressionError("the rule is empty")
    p = _Parser(text)
    left = p.expr()
    t = p.peek()
    if t is None or t[1] not in COMPARATORS:
        raise ExpressionError("a rule compares two sides with <=, >=, <, >, == or !=")
    p.take()
    right = p.expr()
    p.done()
    if not (_refs(left) | _refs(right)):
        raise ExpressionError("the rule names no data element (write one as #{code})")
    lhs, _, rhs = _split_at(text, t[2])
    return Rule(
        text=text.strip(),
        left=Expression(lhs, left, _refs(left)),
        op=t[1],
        right=Expression(rhs, right, _refs(right)),
    )


def _split_at(text: str, pos: int) -> tuple[str, str, str]:
    i = pos - 1
    op = text[i : i + 2] if text[i : i + 2] in COMPARATORS else text[i]
    return text[:i].strip(), op, text[i + len(op) :].strip()


class _ZeroDivision(Exception):
    pass


def _eval(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        return values.get(node.code, Decimal(0))
    if isinstance(node, Neg):
        return -_eval(node.operand, values)
    left, right = _eval(node.left, values), _eval(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        raise _ZeroDivision
    return left / right


def evaluate(expression: Expression, values: Mapping[str, Decimal | None]) -> Result:
    """The expression's value over element values (missing elements are zero unless all are missing)."""
    present = {k: v for k, v in values.items() if v is not None and k in expression.refs}
    if not present:
        return Result(None, "no data")
    try:
        return Result(_eval(expression.root, present))
    except _ZeroDivision:
        return Result(None, "division by zero inside the expression")
    except InvalidOperation:
        return Result(None, "the numbers are out of range")


def compare(left: Decimal, op: str, right: Decimal) -> bool:
    """Apply a comparator."""
    return {
        "<=": left <= right,
        ">=": left >= right,
        "<": left < right,
        ">": left > right,
        "==": left == right,
        "!=": left != right,
    }[op]
