"""Gateway settings (env prefix GATEWAY_)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from halfsky_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    jwt_private_key: str = Field(default="", description="PEM of the RSA private key that signs access tokens.")
    jwt_private_key_file: Path | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    client_token_minutes: int = 15
    disabled_reload_seconds: float = Field(
        default=5.0, gt=0, description="How often each replica reloads disabled accounts, whose tokens it refuses."
    )
    org_move_retry_seconds: float = Field(
        default=30.0, gt=0, description="How often undelivered moves in the region tree are sent to the services again"
    )
    lockout_failures: int = 5
    lockout_minutes: int = 15
    password_min_length: int = 10
    login_limit_per_ip: int = 30  # attempts per window from one address (an office NAT holds many staff)
    login_limit_per_account: int = 10  # attempts per window on one username, on top of the lockout
    login_window_seconds: int = 60
    client_ip_header: str = Field(default="", description="e.g. X-Forwarded-For, only behind a trusted proxy")

    cases_url: str = "http://127.0.0.1:8101"
    projects_url: str = "http://127.0.0.1:8102"
    indicators_url: str = "http://127.0.0.1:8103"
    proxy_connect_timeout: float = 3.0
    proxy_read_timeout: float = 30.0
    proxy_max_connections: int = 200
    proxy_keepalive_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long an idle connection to a service is kept for reuse; keep it well below the services' "
        "own keep-alive (uvicorn --timeout-keep-alive, 75 s in the stack and the images).",
    )
    max_body_bytes: int = 20 * 1024 * 1024

    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:5173"])
    spa_dir: Path | None = Field(default=None, description="The built SPA (frontend/dist) to serve at /.")

    def private_key_pem(self) -> str:
        """The signing key, inline or from its file."""
        if self.jwt_private_key:
            return self.jwt_private_key
        if self.jwt_private_key_file is not None:
            return self.jwt_private_key_file.read_text()
        raise RuntimeError("no JWT private key: set GATEWAY_JWT_PRIVATE_KEY or GATEWAY_JWT_PRIVATE_KEY_FILE")

    def service_urls(self) -> dict[str, str]:
        """Service name (the first path segment after /api) to its base URL."""
        return {"cases": self.cases_url, "projects": self.projects_url, "indicators": self.indicators_url}
