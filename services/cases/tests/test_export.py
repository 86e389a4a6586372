"""CSV and XLSX export of a filtered list: masked values, region and role limits, audited."""

import csv
import io

import httpx
from cases_factories import YUEXIU, case_payload, new_case, user
from fastapi import FastAPI
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import text

WORKER = user(["case_worker"])


async def test_csv_export_is_filtered_and_masked(app: FastAPI, client: httpx.AsyncClient) -> None:
    body = case_payload()
    body["victim"]["phone"] = "13812345678"
    dv = (await client.post("/cases", json=body, headers=WORKER)).json()
    await new_case(client, WORKER, primary_category="labour_rights", subcategory="equal_pay", secondary_categories=[])
    await new_case(client, user(["case_worker"], YUEXIU))
    r = await client.get("/cases/export", params={"format": "csv", "category": "domestic_violence"}, headers=WORKER)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    text_body = r.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text_body)))
    assert table[0][:3] == ["案件编号", "登记时间", "来源渠道"]
    assert [row[0] for row in table[1:]] == [dv["number"]]
    assert "138****5678" in table[1]
    assert "13812345678" not in text_body and body["victim"]["id_number"] not in text_body
    async with app.state.engine.connect() as conn:
        audit = (await conn.execute(text("SELECT detail FROM audit_log WHERE action = 'case.export'"))).scalar_one()
    assert audit["rows"] == 1 and audit["format"] == "csv"


async def test_xlsx_export_and_limits(client: httpx.AsyncClient) -> None:
    mine = user(["hotline_operator"], sub="op-zhang")
    own = await new_case(client, mine, summary='=HYPERLINK("http://x")')
    await new_case(client, WORKER)
    r = await client.get("/cases/export", params={"format": "xlsx"}, headers=mine)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == own["number"]
    assert any(str(v).startswith("'=") for v in rows[1])  # formulas are neutralised
    assert all("****" in str(v) for v in (rows[1][12], rows[1][13]))
    assert (await client.get("/cases/export", headers=user(["project_manager"]))).status_code == 403
    assert (await client.get("/cases/export", params={"format": "pdf"}, headers=WORKER)).status_code == 422


async def test_too_large_an_export_asks_for_narrower_filters(app: FastAPI, client: httpx.AsyncClient) -> None:
    await new_case(client, WORKER)
    await new_case(client, WORKER)
    before = app.state.settings.export_max_rows
    app.state.settings.export_max_rows = 1
    try:
        r = await client.get("/cases/export", headers=WORKER)
    finally:
        app.state.settings.export_max_rows = before
    assert r.status_code == 422 and r.json()["limit"] == 1
