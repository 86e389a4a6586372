"""Annotated field types shared by the request models of every domain."""

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

ORG_PATH = re.compile(r"^/(\d{2,12}/)+$")


def _org_path(value: str) -> str:
    if not ORG_PATH.match(value):
        raise ValueError("an org path looks like /44/4401/440106/")
    return value


OrgPath = Annotated[str, AfterValidator(_org_path)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
# For columns of 100 characters (people's names, line items, target groups).
Name100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ShortText100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000)]
Fen = Annotated[int, Field(ge=0, le=10**13, description="Money in integer fen (分).")]
PositiveFen = Annotated[int, Field(gt=0, le=10**13, description="Money in integer fen (分).")]
Count = Annotated[int, Field(ge=0, le=10**9)]
