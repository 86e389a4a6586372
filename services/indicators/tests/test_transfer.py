"""Bulk import (CSV and XLSX, all rows or none, every rejected row reported) and export in the same format."""

import csv
import io

import httpx
from indicators_factories import GZ_LEADER, STATS, YX_STATS, folic_catalogue
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

GOOD = """element,org,period,value,comment
folic_takers,440106001,2010,9000,
folic_due,440106001,2010,10000,摸底登记
folic_takers,/44/4401/440106/440106003/,2010,6169,
folic_due,440106003,2010,7478,
"""


async def upload(
    client: httpx.AsyncClient, name: str, content: bytes, headers: dict[str, str] = STATS, **params: str
) -> httpx.Response:
    return await client.post("/indicators/import", files={"file": (name, content)}, params=params, headers=headers)


async def city_values(client: httpx.AsyncClient) -> list[float]:
    r = await client.get("/indicators/data-values", params={"period": "2010"}, headers=GZ_LEADER)
    return sorted(float(v["value"]) for v in r.json()["items"])


async def test_a_good_csv_is_imported_and_counted(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    dry = await upload(client, "values.csv", GOOD.encode(), dry_run="true")
    assert dry.status_code == 200 and dry.json() == {"rows": 4, "created": 0, "updated": 0, "dry_run": True}
    assert await city_values(client) == []
    r = await upload(client, "values.csv", GOOD.encode())
    assert r.json() == {"rows": 4, "created": 4, "updated": 0, "dry_run": False}
    again = await upload(client, "values.csv", GOOD.replace("9000", "9001").encode("gb18030"))
    assert again.json()["updated"] == 4
    analytics = await client.get(
        "/indicators/analytics", params={"indicators": "H-FOLIC", "periods": "2010"}, headers=STATS
    )
    assert analytics.json()["rows"][0]["numerator"] == "15170"


async def test_a_file_with_bad_rows_imports_nothing_and_names_every_one(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    bad = (
        GOOD
        + "\n".join(
            [
                "nothing,440106001,2010,1,",  # line 6: unknown element
                "folic_due,440104001,2010,5,",  # line 7: another district
                "folic_due,440106002,2010Q1,5,",  # line 8: the element is yearly
                "folic_due,440106002,2010,12.5,",  # line 9: not a whole number
                "folic_due,4401060,2010,5,",  # line 10: not a division code
                "folic_takers,440106001,2010,9000,",  # line 11: repeats line 2
            ]
        )
        + "\n"
    )
    r = await upload(client, "values.csv", bad.encode())
    assert r.status_code == 422
    assert [(x["row"], x["field"]) for x in r.json()["rejected"]] == [
        (6, "element"),
        (7, "org"),
        (8, "period"),
        (9, "value"),
        (10, "org"),
        (11, "element"),
    ]
    assert r.json()["errors"][0]["field"] == "rows.6.element"
    assert await city_values(client) == []


async def test_locked_values_are_rejected(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    form = "/indicators/forms/folic/440106001/2010"
    saved = await client.put(form, json={"values": [{"element": "folic_due", "value": 10000}]}, headers=STATS)
    await client.post(f"{form}/submit", json={}, headers={**STATS, "If-Match": saved.headers["etag"]})
    r = await upload(client, "values.csv", GOOD.encode())
    assert r.status_code == 422
    assert [(x["row"], x["field"]) for x in r.json()["rejected"]] == [(2, "period"), (3, "period")]


async def test_xlsx_import_and_both_export_formats_round_trip(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    book = Workbook()
    sheet = book.active
    sheet.append(["数据元素", "单位代码", "期间", "数值"])
    sheet.append(["folic_takers", 440106001, 2010, 9000])
    sheet.append(["folic_due", "440106001", "2010", 10000.0])
    buffer = io.BytesIO()
    book.save(buffer)
    r = await upload(client, "values.xlsx", buffer.getvalue())
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    exported = await client.get("/indicators/export", params={"period": "2010"}, headers=STATS)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows == [
        ["element", "org", "period", "value", "comment"],
        ["folic_due", "440106001", "2010", "10000", ""],
        ["folic_takers", "440106001", "2010", "9000", ""],
    ]
    xlsx = await client.get("/indicators/export", params={"format": "xlsx"}, headers=STATS)
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)][1] == ["folic_due", "440106001", "2010", 10000, None]
    reimported = await upload(client, "again.xlsx", xlsx.content)
    assert reimported.json()["updated"] == 2
    assert (
        await client.get("/indicators/export", headers=YX_STATS)
    ).text.strip() == "\ufeffelement,org,period,value,comment"
    assert (await client.get("/indicators/export", params={"org": "440106"}, headers=YX_STATS)).status_code == 403


async def test_a_file_without_the_columns_is_refused(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    r = await upload(client, "values.csv", b"a,b\n1,2\n")
    assert r.status_code == 422 and "missing: element, org, period, value" in r.json()["detail"]
    assert (await upload(client, "x.xlsx", b"PK not really")).status_code == 422


async def test_an_unreadable_csv_is_422_not_a_500(client: httpx.AsyncClient) -> None:
    """Found by schemathesis: a carriage return inside a field broke the reader with a 500."""
    await folic_catalogue(client)
    odd = b"element,org,period,value\r\nfolic_due,440106,2010,1\r0\n"
    r = await upload(client, "values.csv", odd)
    assert r.status_code in (200, 422), r.text
    nul = await upload(client, "values.csv", b"element,org,period,value\nfolic_due,440106,20\x0010,1\n")
    assert nul.status_code == 422 and nul.headers["content-type"] == "application/problem+json", nul.text
