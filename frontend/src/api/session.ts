/**
 * Who is signed in: the short-lived access token (memory only), the rotating refresh token (this tab's
 * sessionStorage, so a reload keeps the sign-in) and the single-flight refresh every request shares.
 *
 * A request that meets 401 refreshes once and is retried; when the refresh token is dead too, the request
 * waits until the user signs in again in the overlay (the page and its unsaved form stay mounted) and is
 * then retried, or fails if the user signs out instead.
 */
import { ApiError, problemFrom } from "./problem";

export interface TokenPair {
  access_token: string;
  refresh_token?: string | null;
  expires_in: number;
  must_change_password?: boolean;
}

export type SessionState = "anonymous" | "active" | "expired";

type Listener = (state: SessionState) => void;

const REFRESH_KEY = "halfsky.refresh";
const EARLY_REFRESH_MS = 30_000;

export class Session {
  private access: string | null = null;
  private refreshToken: string | null;
  private expiresAt = 0;
  private refreshing: Promise<string | null> | null = null;
  private waiters: { resolve: (token: string) => void; reject: (e: Error) => void }[] = [];
  private listeners = new Set<Listener>();
  state: SessionState;

  constructor(
    private readonly fetchImpl: (input: Request) => Promise<Response> = (r) => fetch(r),
    private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null = globalThis.sessionStorage ??
      null,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.refreshToken = storage?.getItem(REFRESH_KEY) ?? null;
    this.state = this.refreshToken ? "active" : "anonymous";
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasSession(): boolean {
    return this.refreshToken !== null || this.access !== null;
  }

  private setState(state: SessionState): void {
    if (this.state === state) return;
    this.state = state;
    this.listeners.forEach((l) => l(state));
  }

  private store(pair: TokenPair): void {
    this.access = pair.access_token;
    this.expiresAt = this.now() + pair.expires_in * 1000;
    if (pair.refresh_token) {
      this.refreshToken = pair.refresh_token;
      this.storage?.setItem(REFRESH_KEY, pair.refresh_token);
    }
  }

  private clear(): void {
    this.access = null;
    this.refreshToken = null;
    this.expiresAt = 0;
    this.storage?.removeItem(REFRESH_KEY);
  }

  private async post(path: string, body: unknown): Promise<Response> {
    return this.fetchImpl(
      new Request(new URL(path, globalThis.location?.origin ?? "http://localhost").toString(), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  }

  /** Sign in; on success every request waiting for a new sign-in goes on. */
  async login(username: string, password: string): Promise<TokenPair> {
    const response = await this.post("/api/auth/login", { username, password });
    if (!response.ok) throw await problemFrom(response);
    const pair = (await response.json()) as TokenPair;
    this.store(pair);
    this.setState("active");
    const waiters = this.waiters.splice(0);
    waiters.forEach((w) => w.resolve(pair.access_token));
    return pair;
  }

  /** Sign out here and at the gateway; requests waiting for a new sign-in fail. */
  async logout(): Promise<void> {
    const refresh = this.refreshToken;
    this.clear();
    this.setState("anonymous");
    const waiters = this.waiters.splice(0);
    waiters.forEach((w) => w.reject(new ApiError(401, { detail: "signed out", code: "signed_out" })));
    if (refresh) await this.post("/api/auth/logout", { refresh_token: refresh }).catch(() => undefined);
  }

  /**
   * Trade the refresh token for a new pair; concurrent callers share one call (each refresh token works once).
   * Resolves to the new access token, or null when the sign-in is over (the state turns "expired").
   */
  refresh(): Promise<string | null> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<string | null> {
    const token = this.refreshToken;
    if (!token) {
      this.expire();
      return null;
    }
    let response: Response;
    try {
      response = await this.post("/api/auth/refresh", { refresh_token: token });
    } catch (e) {
      throw new ApiError(0, { detail: e instanceof Error ? e.message : String(e), code: "network" });
    }
    if (response.status === 401 || response.status === 403 || response.status === 422) {
      this.expire();
      return null;
    }
    if (!response.ok) throw await problemFrom(response);
    this.store((await response.json()) as TokenPair);
    return this.access;
  }

  private expire(): void {
    this.access = null;
    this.expiresAt = 0;
    if (this.state !== "anonymous") this.setState("expired");
  }

  /** A valid access token: the current one, a refreshed one, or (after the user signs in again) a new one. */
  async token(): Promise<string | null> {
    if (this.state === "anonymous") return null;
    if (this.access && this.expiresAt - this.now() > EARLY_REFRESH_MS) return this.access;
    return (await this.refresh()) ?? this.waitForLogin();
  }

  private waitForLogin(): Promise<string> {
    if (this.state === "anonymous") {
      return Promise.reject(new ApiError(401, { detail: "signed out", code: "signed_out" }));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** fetch with the bearer token; a 401 refreshes (or waits for a new sign-in) and retries once. */
  fetch = async (request: Request): Promise<Response> => {
    const retry = request.clone();
    const token = await this.token();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    const response = await this.fetchImpl(request);
    if (response.status !== 401 || !token) return response;
    const fresh =
      this.access !== token && this.access ? this.access : ((await this.refresh()) ?? (await this.waitForLogin()));
    retry.headers.set("Authorization", `Bearer ${fresh}`);
    return this.fetchImpl(retry);
  };
}

export const session = new Session();
