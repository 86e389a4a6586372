import { describe, expect, it } from "vitest";
import { ApiError } from "./problem";
import { Session } from "./session";

/** A tiny in-test gateway: rotating refresh tokens (each works once) and access tokens it can revoke. */
function fakeGateway() {
  let serial = 0;
  const valid = new Set<string>();
  const refreshTokens = new Set<string>();
  const calls: string[] = [];
  const issue = () => {
    serial += 1;
    const access = `a${serial}`;
    const refresh = `r${serial}-0123456789`;
    valid.add(access);
    refreshTokens.add(refresh);
    return { access_token: access, refresh_token: refresh, expires_in: 900 };
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const fetchImpl = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    calls.push(path);
    if (path === "/api/auth/login") {
      const body = (await request.json()) as { password: string };
      return body.password === "right"
        ? json(200, issue())
        : json(401, { detail: "The username or password is wrong." });
    }
    if (path === "/api/auth/refresh") {
      const { refresh_token } = (await request.json()) as { refresh_token: string };
      if (!refreshTokens.delete(refresh_token)) return json(401, { detail: "refresh token reused" });
      return json(200, issue());
    }
    if (path === "/api/auth/logout") return new Response(null, { status: 204 });
    const token = request.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
    if (!valid.has(token)) return json(401, { detail: "Not authenticated" });
    return json(200, { path, token, body: request.method === "POST" ? await request.text() : null });
  };
  return { fetchImpl, calls, valid, refreshTokens };
}

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

const get = (path: string) => new Request(`http://localhost${path}`);

describe("Session", () => {
  it("attaches the access token and keeps the refresh token in storage", async () => {
    const gw = fakeGateway();
    const storage = memoryStorage();
    const s = new Session(gw.fetchImpl, storage);
    await s.login("li", "right");
    const body = await (await s.fetch(get("/api/auth/me"))).json();
    expect(body.token).toBe("a1");
    expect(storage.getItem("halfsky.refresh")).toBe("r1-0123456789");
  });

  it("refreshes once for many concurrent 401s, since each refresh token works only once", async () => {
    const gw = fakeGateway();
    const s = new Session(gw.fetchImpl, memoryStorage());
    await s.login("li", "right");
    gw.valid.clear(); // the access token expired at the gateway
    const responses = await Promise.all([1, 2, 3, 4].map((i) => s.fetch(get(`/api/x/${i}`))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(gw.calls.filter((c) => c === "/api/auth/refresh")).toHaveLength(1);
  });

  it("retries a POST with its body after refreshing", async () => {
    const gw = fakeGateway();
    const s = new Session(gw.fetchImpl, memoryStorage());
    await s.login("li", "right");
    gw.valid.clear();
    const response = await s.fetch(
      new Request("http://localhost/api/users", { method: "POST", body: '{"name":"林小燕"}' }),
    );
    expect((await response.json()).body).toBe('{"name":"林小燕"}');
  });

  it("waits for a new sign-in when the refresh token is dead, then finishes the request", async () => {
    const gw = fakeGateway();
    const s = new Session(gw.fetchImpl, memoryStorage());
    const states: string[] = [];
    s.subscribe((state) => states.push(state));
    await s.login("li", "right");
    gw.valid.clear();
    gw.refreshTokens.clear();
    const pending = s.fetch(new Request("http://localhost/api/users", { method: "POST", body: "kept" }));
    await new Promise((r) => setTimeout(r, 10));
    expect(s.state).toBe("expired");
    await expect(s.login("li", "wrong")).rejects.toBeInstanceOf(ApiError);
    await s.login("li", "right");
    const response = await pending;
    expect(response.status).toBe(200);
    expect((await response.json()).body).toBe("kept");
    expect(states).toEqual(["active", "expired", "active"]);
  });

  it("fails the waiting requests when the user signs out instead", async () => {
    const gw = fakeGateway();
    const storage = memoryStorage();
    const s = new Session(gw.fetchImpl, storage);
    await s.login("li", "right");
    gw.valid.clear();
    gw.refreshTokens.clear();
    const pending = s.fetch(get("/api/users"));
    await new Promise((r) => setTimeout(r, 10));
    await s.logout();
    await expect(pending).rejects.toMatchObject({ status: 401 });
    expect(storage.getItem("halfsky.refresh")).toBeNull();
    expect(s.state).toBe("anonymous");
  });

  it("resumes a sign-in from storage after a reload", async () => {
    const gw = fakeGateway();
    const storage = memoryStorage();
    await new Session(gw.fetchImpl, storage).login("li", "right");
    const reloaded = new Session(gw.fetchImpl, storage);
    expect(reloaded.state).toBe("active");
    const body = await (await reloaded.fetch(get("/api/auth/me"))).json();
    expect(body.token).toBe("a2");
  });

  it("refreshes ahead of expiry instead of sending a token about to die", async () => {
    const gw = fakeGateway();
    let now = 0;
    const s = new Session(gw.fetchImpl, memoryStorage(), () => now);
    await s.login("li", "right");
    now = 900_000 - 10_000;
    const body = await (await s.fetch(get("/api/auth/me"))).json();
    expect(body.token).toBe("a2");
    expect(gw.calls.filter((c) => c.endsWith("/me"))).toHaveLength(1);
  });
});
