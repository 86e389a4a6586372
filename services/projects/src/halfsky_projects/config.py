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
    progress_refresh_hours: float = Field(
        default=24.0, ge=0, description="Hours between background re-checks of behind-schedule flags; 0: off"
    )
    progress_refresh_first_delay_seconds: float = Field(
        default=300.0, ge=0, description="Wait after start before the first re-check"
    )
