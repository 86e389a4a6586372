"""Settings of the projects service (env prefix PROJECTS_)."""

from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROJECTS_", extra="ignore")
