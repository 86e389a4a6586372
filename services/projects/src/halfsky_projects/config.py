"""Settings of the projects service (env prefix PROJECTS_)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROJECTS_", extra="ignore")

    identity_key: str = Field(
        default="halfsky-dev-identity-key",
        description="Secret for the keyed hash of identity numbers (set your own in production).",
    )
