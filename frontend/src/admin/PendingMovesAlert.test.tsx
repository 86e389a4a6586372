import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { App } from "antd";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../i18n";
import type { OrgMove } from "./orgUnitsApi";
import { orgUnitKeys } from "./orgUnitsApi";
import { PendingMovesAlert } from "./PendingMovesAlert";

const UNITS = [
  { code: "440106", name: "天河区" },
  { code: "440104", name: "越秀区" },
  { code: "440106001", name: "五山街道" },
];

const stuck: OrgMove = {
  id: "0b5c7c1e-7d1f-4c8e-9a57-3f0d2a9e6c11",
  from_path: "/44/4401/440106/440106001/",
  to_path: "/44/4401/440104/440106001/",
  pending: ["cases", "projects"],
  attempts: 3,
  last_error: "projects: ConnectError",
  created_at: "2026-11-24T02:05:00+00:00",
  delivered_at: null,
};

/** The gateway as far as the alert sees it: the pending moves (one answer per call, the last one repeated) and unit search. */
function fakeGateway(answers: OrgMove[][]) {
  const calls: string[] = [];
  vi.stubGlobal("fetch", async (request: Request) => {
    const url = new URL(request.url);
    calls.push(`${url.pathname}${url.search}`);
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
    if (url.pathname === "/api/org-units/moves") {
      const n = calls.filter((c) => c.startsWith("/api/org-units/moves")).length;
      return json(answers[Math.min(n, answers.length) - 1]);
    }
    if (url.pathname === "/api/org-units") {
      const q = url.searchParams.get("q") ?? "";
      return json(UNITS.filter((u) => u.code.startsWith(q)).map((u) => ({ ...u, id: u.code, path: `/${u.code}/` })));
    }
    return new Response(null, { status: 404 });
  });
  return calls;
}

function renderAlert(
  pollMs?: number,
  client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } }),
) {
  // staleTime as the app's makeQueryClient sets it
  render(
    <QueryClientProvider client={client}>
      <App>
        <PendingMovesAlert pollMs={pollMs} />
      </App>
    </QueryClientProvider>,
  );
  return client;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("PendingMovesAlert", () => {
  it("names the moved unit, the modules still to apply it, the attempts and the last error", async () => {
    const calls = fakeGateway([[stuck]]);
    renderAlert();
    const alert = await screen.findByTestId("pending-moves");
    expect(alert).toHaveTextContent("部分业务模块尚未完成区划调整同步");
    expect(alert).toHaveTextContent("待同步：维权案件和项目化管理");
    expect(alert).not.toHaveTextContent("指标监测");
    expect(alert).toHaveTextContent("已重试 3 次");
    expect(alert).toHaveTextContent("调整时间 2026-11-24 10:05");
    expect(alert).toHaveTextContent("最近一次错误：projects: ConnectError");
    await waitFor(() => expect(alert).toHaveTextContent("五山街道（440106001）：由 天河区 调整至 越秀区"));
    expect(alert.className).toContain("warning");
    expect(screen.getByRole("button", { name: /刷\s*新/ })).toBeInTheDocument();
    expect(calls).toContain("/api/org-units/moves?pending_only=true&limit=50");
  });

  it("shows nothing and stops asking when every move has been applied; asks again when the page is opened again", async () => {
    const calls = fakeGateway([[], [stuck]]);
    const client = renderAlert(20);
    await waitFor(() => expect(client.getQueryState(orgUnitKeys.pendingMoves)?.status).toBe("success"));
    await new Promise((r) => setTimeout(r, 100));
    expect(screen.queryByTestId("pending-moves")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.startsWith("/api/org-units/moves"))).toHaveLength(1);
    cleanup();
    renderAlert(20, client);
    expect(await screen.findByTestId("pending-moves")).toHaveTextContent("待同步：维权案件和项目化管理");
  });

  it("asks again while a move is pending and goes away once it is delivered", async () => {
    const calls = fakeGateway([[{ ...stuck, attempts: 0, last_error: "" }], []]);
    renderAlert(20);
    const alert = await screen.findByTestId("pending-moves");
    expect(alert).toHaveTextContent("区划调整正在同步到各业务模块");
    expect(alert).not.toHaveTextContent("已重试");
    expect(alert.className).toContain("info");
    await waitFor(() => expect(screen.queryByTestId("pending-moves")).not.toBeInTheDocument());
    expect(await screen.findByText("区划调整已同步到全部业务模块。")).toBeInTheDocument();
    const asked = calls.filter((c) => c.startsWith("/api/org-units/moves")).length;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.filter((c) => c.startsWith("/api/org-units/moves"))).toHaveLength(asked);
  });
});
