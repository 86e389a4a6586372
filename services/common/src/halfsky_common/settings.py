"""Settings every service shares; each service subclasses with its own env prefix."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from halfsky_common.tabular import TableLimits

ISSUER = "halfsky-gateway"
AUDIENCE = "halfsky"


class ServiceSettings(BaseSettings):
    """Database and token verification; a service adds its own fields."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(
        default="postgresql+asyncpg://postgres@localhost/halfsky",
        description="SQLAlchemy URL of this service's own database (asyncpg driver).",
    )
    jwt_public_key: str = Field(
        default="",
        description="PEM of the gateway's RSA public key, or several PEMs one after the other (during a key "
        "rotation the old and the new); a token's kid (the key's RFC 7638 thumbprint) picks the key.",
    )
    jwt_public_key_file: Path | None = Field(default=None, description="File holding that PEM or those PEMs.")
    jwt_issuer: str = ISSUER
    jwt_audience: str = AUDIENCE
    gateway_url: str = Field(
        default="",
        description="The gateway, e.g. http://gateway:8000: its list of revoked tokens is polled from there (and the "
        "indicators service pulls its statistics feeds through it). Empty: no list, so a disabled account's or "
        "client's token works here until it expires.",
    )
    revocations_reload_seconds: float = Field(
        default=5.0, gt=0, description="How often the gateway's list of revoked tokens is polled."
    )
    db_pool_size: int = 10
    db_max_overflow: int = 10
    test_delay_seconds: float = Field(default=0.0, description="Test only: answer every API call this much later.")
    # Uploaded tables (bulk imports; halfsky_common.tabular): each limit refuses a file at the first row past it.
    import_max_rows: int = Field(default=100_000, ge=1, description="Rows an imported file may hold after its header")
    import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, description="Size of an imported file as uploaded")
    import_max_xlsx_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1,
        description="Uncompressed size of an XLSX's parts together (from the zip's directory, before parsing), "
        "and the most text its cells may hold; 100,000 rows of five columns take about 27 MB",
    )
    import_max_cell_chars: int = Field(default=2000, ge=1, description="Characters in one cell of an imported file")
    import_max_columns: int = Field(default=50, ge=1, description="Columns with values in an imported file")
    import_workers: int = Field(
        default=2, ge=1, description="Threads per process that read and check imported files; more imports wait"
    )

    def table_limits(self) -> TableLimits:
        return TableLimits(
            max_rows=self.import_max_rows,
            max_bytes=self.import_max_bytes,
            max_xlsx_bytes=self.import_max_xlsx_bytes,
            max_cell_chars=self.import_max_cell_chars,
            max_columns=self.import_max_columns,
        )

    def public_key_pem(self) -> str:
        """The PEM (or PEMs) given inline, or read from the file."""
        if self.jwt_public_key:
            return self.jwt_public_key
        if self.jwt_public_key_file is not None:
            return self.jwt_public_key_file.read_text()
        raise RuntimeError("no JWT public key: set *_JWT_PUBLIC_KEY or *_JWT_PUBLIC_KEY_FILE")
