"""Load runs with wrk (Debian's package): one Lua script per scenario, results as JSON from wrk's own histogram."""

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Shared by every script: thread numbers, status counts, and the summary wrk prints when it is done.
COMMON = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  codes = {}
  sample = ""
  math.randomseed(tid * 7919 + SEED)
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status >= 400 and sample == "" then sample = string.sub(body or "", 1, 300) end
end
local function esc(s)
  return (string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end))
end
function done(summary, latency, requests)
  local all, parts, first = {}, {}, ""
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do all[k] = (all[k] or 0) + v end
    local s = t:get("sample")
    if first == "" and s ~= "" then first = s end
  end
  for k, v in pairs(all) do table.insert(parts, string.format('"%d":%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f},"codes":{%s},' ..
    '"sample":"%s"}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, table.concat(parts, ","), esc(first)))
end
"""

# GET scenarios: a list of (path, token index) cycled through, each thread from its own offset.
ITEMS = r"""
function request()
  n = n + 1
  local item = ITEMS[(tid * 7919 + n) % #ITEMS + 1]
  return wrk.format("GET", PREFIX .. item[1], {["Authorization"] = "Bearer " .. TOKENS[item[2]]})
end
"""

# Case intake: varied bodies, a fresh Idempotency-Key per request, operators of several districts in turn.
INTAKE = r"""
function request()
  n = n + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. TOKENS[(tid + n) % #TOKENS + 1],
    ["Idempotency-Key"] = RUN .. "-" .. tid .. "-" .. n,
  }
  return wrk.format("POST", PREFIX .. "/cases/intake", headers, BODIES[(tid * 31 + n) % #BODIES + 1])
end
"""

# Data entry: each request saves the whole monthly form of another village (no two requests share a form).
ENTRY = r"""
function request()
  n = n + 1
  local village = VILLAGES[((n - 1) * THREADS + tid - 1) % #VILLAGES + 1]
  local parts = {}
  for k, code in ipairs(ELEMENTS) do
    parts[k] = '{"element":"' .. code .. '","value":' .. math.random(0, 40) .. '}'
  end
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. TOKENS[1]}
  return wrk.format("PUT", PREFIX .. "/indicators/forms/" .. DATA_SET .. "/" .. village .. "/" .. PERIOD, headers,
    '{"values":[' .. table.concat(parts, ",") .. ']}')
end
"""


def lua_value(value: Any) -> str:
    """A Python value as Lua source."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid Lua for these texts
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "{" + ",".join(lua_value(v) for v in value) + "}"
    raise TypeError(type(value))


@dataclass
class Scenario:
    """One kind of request, driven the same way through the gateway and directly at its service."""

    key: str
    title: str
    service: str
    body: str  # ITEMS, INTAKE or ENTRY
    data: dict[str, Any] = field(default_factory=dict)  # Lua globals
    per_run: dict[str, list[Any]] = field(default_factory=dict)  # a different value for every run (e.g. PERIOD)

    def script(self, prefix: str, run: int, threads: int) -> str:
        values = {**self.data, "PREFIX": prefix, "SEED": run, "RUN": f"{time.time_ns()}", "THREADS": threads}
        values.update({k: v[run % len(v)] for k, v in self.per_run.items()})
        head = "\n".join(f"{k} = {lua_value(v)}" for k, v in values.items())
        return head + "\n" + COMMON + self.body


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (Debian's package)")
    return found


def run_wrk(script: str, url: str, *, connections: int, duration: int, threads: int, workdir: Path) -> dict[str, Any]:
    """Run wrk once; returns its summary with requests per second added."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "scenario.lua"
    path.write_text(script)
    cmd = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{max(connections, threads)}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(path),
        url,
    ]
    load_before = os.getloadavg()[0]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
    seconds = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds if seconds else 0.0
    result["ok"] = sum(v for k, v in result["codes"].items() if k.startswith(("2", "3")))
    result["failed"] = (
        result["requests"] - result["ok"] + sum(result["errors"][k] for k in ("connect", "read", "write", "timeout"))
    )
    result["connections"] = connections
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result
