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
    refresh_token_absolute_days: float = Field(
        default=30,
        gt=0,
        description="A sign-in ends this long after the password was given, however often its refresh token was "
        "rotated (each rotation grants refresh_token_days more, never past this).",
    )
    client_token_minutes: int = 15
    disabled_reload_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often each replica reloads the revocation list (disabled accounts and clients, ended "
        "sign-ins, clients' scopes), whose tokens it refuses and whose digests the services poll.",
    )
    org_move_retry_seconds: float = Field(
        default=30.0, gt=0, description="How often undelivered moves in the region tree are sent to the services again"
    )
    password_min_length: int = 10
    password_min_score: int = Field(
        default=3, ge=0, le=4, description="Least zxcvbn strength (0-4) of a new password; 3 is 'safely unguessable'."
    )
    login_limit_per_ip: int = 30  # attempts per window from one address (an office NAT holds many staff)
    login_window_seconds: int = 60  # the window of the per-address sign-in and token limits
    # Failed sign-ins per (username, address): delays that grow instead of a lock a stranger could set off. There is
    # deliberately no limit per username alone: anyone anywhere could use it to keep a worker out.
    login_delay_after: int = Field(default=5, ge=1, description="Failures from one address before delays start.")
    login_delay_seconds: int = Field(default=30, ge=1, description="The first delay; it doubles with each failure.")
    login_delay_max_seconds: int = Field(default=900, ge=1, description="The longest delay.")
    login_delay_forget_seconds: int = Field(default=86400, ge=1, description="Quiet time after which failures reset.")
    token_limit_per_ip: int = 30  # client-credentials requests per window from one address
    token_limit_per_client: int = 20  # … and per client id, from anywhere (a client needs one every 15 minutes)
    argon2_threads: int = Field(
        default=2, ge=1, description="Threads hashing and verifying passwords and client secrets, off the event loop."
    )
    argon2_max_waiting: int = Field(
        default=64, ge=0, description="Checks queued for those threads beyond which sign-ins get 503 at once."
    )
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
