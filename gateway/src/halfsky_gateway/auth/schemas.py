"""Request and response models of sign-in."""

from pydantic import BaseModel, Field

from halfsky_gateway.users.schemas import OrgUnitBrief


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int = Field(description="Seconds the access token lives")
    refresh_token: str | None = None
    must_change_password: bool = False


class ClientToken(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int
    scope: str


class Me(BaseModel):
    id: str
    username: str
    name: str
    roles: list[str]
    org_unit: OrgUnitBrief
    must_change_password: bool
