"""Settings of the cases service (env prefix CASES_)."""

from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore")
