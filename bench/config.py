"""The benchmark's settings, all from the environment so `make bench` takes them as variables."""

import os
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

# The sizes at BENCH_SCALE=1.0.
FULL_CASES = 1_000_000
FULL_PROJECTS = 20_000
FULL_ELEMENTS = 40
YEARS = 5


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class BenchConfig:
    """What to generate and how hard to drive the system."""

    scale: float = field(default_factory=lambda: float(_env("BENCH_SCALE", "1.0")))
    duration: int = field(default_factory=lambda: int(_env("BENCH_DURATION", "20")))  # seconds per load run
    connections: int = field(default_factory=lambda: int(_env("BENCH_CONNECTIONS", "16")))
    workers: int = field(default_factory=lambda: int(_env("BENCH_WORKERS", "2")))
    rounds: int = field(default_factory=lambda: int(_env("BENCH_ANALYTICS_ROUNDS", "5")))
    data_root: Path = field(default_factory=lambda: Path(_env("BENCH_DATA_DIR", str(BENCH_DIR / ".data"))))
    cache_dir: Path = BENCH_DIR / ".cache"
    results_dir: Path = field(default_factory=lambda: Path(_env("BENCH_RESULTS_DIR", str(BENCH_DIR / "results"))))
    db_prefix: str = "bench_"
    element_count: int | None = field(
        default_factory=lambda: int(_env("BENCH_ELEMENTS", "0")) or None
    )  # data elements with village values, when the disk cannot hold 40 × scale of them
    only: tuple[str, ...] = field(
        default_factory=lambda: tuple(k for k in _env("BENCH_ONLY", "").split(",") if k)
    )  # scenario keys, for working on one; the report needs all of them

    @property
    def data_dir(self) -> Path:
        """One folder per scale, so a quick run never throws away the data of a full one."""
        return self.data_root / f"scale-{self.scale:g}"

    @property
    def cases(self) -> int:
        return max(1000, round(FULL_CASES * self.scale))

    @property
    def projects(self) -> int:
        return max(100, round(FULL_PROJECTS * self.scale))

    @property
    def elements(self) -> int:
        """Data elements with village values; every village keeps all 60 months, so the province query is
        full-sized at any scale and only the table around it shrinks."""
        return self.element_count or max(2, round(FULL_ELEMENTS * self.scale))
