"""Settings of the cases service (env prefix CASES_)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore")

    data_dir: Path = Field(default=Path(".data/cases"), description="Folder for attachments and the local key file.")
    data_key: str = Field(
        default="",
        description="Base64 of 32 random bytes: the AES-GCM key for ID numbers, phones and addresses. "
        "When empty, a key is created once in {data_dir}/keys/data.key.",
    )
    previous_data_keys: str = Field(
        default="",
        description="Earlier data keys still accepted for decryption during a rotation, newest first: base64, "
        "separated by commas or white space. Keep the original key last until hash_key is set.",
    )
    hash_key: str = Field(
        default="",
        description="Base64 key of the keyed hash used to find duplicates; if empty, derived from the oldest data "
        "key (the last previous key, else data_key). `python -m halfsky_cases.cli hash-key` prints it to pin it.",
    )
    accept_working_days: int = Field(default=1, ge=0, description="Working days to accept a received case.")
    resolve_days: int = Field(default=30, ge=1, description="Calendar days to resolve an accepted case.")
    duplicate_window_days: int = Field(default=90, ge=1)
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    export_max_rows: int = Field(default=10_000, ge=1)
    intake_limit_per_client: int = Field(default=60, ge=1, description="Intake requests per partner client and window.")
    intake_window_seconds: int = Field(default=60, ge=1)
    reveal_reason_min_chars: int = Field(
        default=4,
        ge=1,
        le=200,
        description="Characters a reveal's stated reason must have (trimmed; a Chinese character counts one: 核实身份 "
        "is four). Shorter is a 422 naming `reason`; the reason is written to the access log.",
    )

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"
