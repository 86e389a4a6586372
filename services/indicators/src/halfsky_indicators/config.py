"""Settings of the indicators service (env prefix INDICATORS_)."""

from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INDICATORS_", extra="ignore")
