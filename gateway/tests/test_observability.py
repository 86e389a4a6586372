"""Metrics at /metrics count proxied and own routes; log lines are JSON with the request id."""

import json
import logging
from typing import Any

import httpx
import pytest

from halfsky_common.observability import configure_logging


async def test_metrics_count_requests_by_route(client: httpx.AsyncClient) -> None:
    await client.get("/api/org-units")  # 401, still counted
    text = (await client.get("/metrics")).text
    assert "http_requests_total" in text
    assert 'handler="/api/org-units"' in text


def test_log_lines_are_json_with_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    from halfsky_common.requestid import request_id_var

    configure_logging("gateway")
    token = request_id_var.set("rid-42")
    try:
        logging.getLogger("halfsky.test").warning("受理 %s", "WQ-440106-2026-000001")
    finally:
        request_id_var.reset(token)
    line: dict[str, Any] = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "受理 WQ-440106-2026-000001"
    assert line["request_id"] == "rid-42" and line["service"] == "gateway" and line["level"] == "warning"


def test_the_proxy_client_logs_no_line_of_its_own_per_request(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("gateway")
    logging.getLogger("httpx").info('HTTP Request: GET http://127.0.0.1:8101/cases "HTTP/1.1 200 OK"')
    logging.getLogger("httpx").warning("a problem worth a line")
    lines = [json.loads(ln) for ln in capsys.readouterr().err.strip().splitlines()]
    assert [ln["event"] for ln in lines] == ["a problem worth a line"]
