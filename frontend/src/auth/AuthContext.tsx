/** The signed-in user (GET /api/auth/me), sign-in and sign-out, and the re-sign-in overlay when a session expires. */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { gateway, unwrap } from "../api/client";
import type { components } from "../api/gen/gateway";
import { session as defaultSession, type Session, type SessionState } from "../api/session";
import { can, type Area } from "./roles";
import { ReloginModal } from "./ReloginModal";

export type Me = components["schemas"]["Me"];

interface AuthValue {
  me: Me | null;
  loading: boolean;
  session: Session;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  can: (area: Area) => boolean;
  reloadMe: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

async function fetchMe(): Promise<Me> {
  return unwrap(gateway.GET("/api/auth/me"));
}

export function AuthProvider({ children, session = defaultSession }: { children: ReactNode; session?: Session }) {
  const queryClient = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(session.hasSession);
  const [state, setState] = useState<SessionState>(session.state);

  useEffect(() => session.subscribe(setState), [session]);

  useEffect(() => {
    if (!session.hasSession) return;
    fetchMe()
      .then(setMe)
      .catch(() => void session.logout())
      .finally(() => setLoading(false));
  }, [session]);

  const login = useCallback(
    async (username: string, password: string) => {
      await session.login(username, password);
      const user = await fetchMe();
      setMe(user);
      return user;
    },
    [session],
  );

  const logout = useCallback(async () => {
    await session.logout();
    setMe(null);
    queryClient.clear();
  }, [session, queryClient]);

  const reloadMe = useCallback(async () => setMe(await fetchMe()), []);

  const value = useMemo<AuthValue>(
    () => ({ me, loading, session, login, logout, reloadMe, can: (area) => can(me?.roles, area) }),
    [me, loading, session, login, logout, reloadMe],
  );

  return (
    <AuthContext.Provider value={value}>
      {children}
      {me && state === "expired" && <ReloginModal username={me.username} />}
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
