"""Settings of the indicators service (env prefix INDICATORS_)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INDICATORS_", extra="ignore")

    client_id: str = Field(default="", description="This service's partner client (scope stats:read)")
    client_secret: str = ""
    pull_interval_seconds: int = Field(
        default=3600, ge=0, description="Seconds between scheduled pulls of the feeds (when a client is set); 0: off"
    )
    pull_first_delay_seconds: float = Field(
        default=30.0, ge=0, description="Wait before the first scheduled pull, so the gateway is up"
    )
    pull_timeout_seconds: float = Field(default=20.0, gt=0)
    analytics_database_url: str = Field(
        default="",
        description="A streaming replica of this service's database for the analytics and early-warning reads; "
        "empty: the primary. Replica lag shows there: a value approved a moment ago may not be counted yet.",
    )
