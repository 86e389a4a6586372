/** Providers (antd locale, react-query, auth) and the routes; every domain's screens load lazily. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider, Result, Spin } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { lazy, Suspense, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { asApiError } from "./api/problem";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import LoginPage from "./auth/LoginPage";
import type { Area } from "./auth/roles";
import { AppLayout } from "./layout/AppLayout";

const Dashboard = lazy(() => import("./dashboard/DashboardPage"));
const OrgUnitsPage = lazy(() => import("./admin/OrgUnitsPage"));
const UsersPage = lazy(() => import("./admin/UsersPage"));
const ClientsPage = lazy(() => import("./admin/ClientsPage"));
const CaseListPage = lazy(() => import("./cases/CaseListPage"));
const CaseIntakePage = lazy(() => import("./cases/CaseIntakePage"));
const CaseDetailPage = lazy(() => import("./cases/CaseDetailPage"));
const ProjectListPage = lazy(() => import("./projects/ProjectListPage"));
const ProjectFormPage = lazy(() => import("./projects/ProjectFormPage"));
const ProjectDetailPage = lazy(() => import("./projects/ProjectDetailPage"));
const CataloguePage = lazy(() => import("./indicators/CataloguePage"));
const DataEntryPage = lazy(() => import("./indicators/DataEntryPage"));
const AnalyticsPage = lazy(() => import("./indicators/AnalyticsPage"));

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors will not change on a retry; server and network errors may.
        retry: (count, error) => {
          const status = asApiError(error).status;
          return count < 2 && (status === 0 || status >= 500);
        },
      },
    },
  });
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (loading) return <Spin size="large" tip={t("app.loading")} fullscreen />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

export function Guard({ area, children }: { area: Area; children: ReactNode }) {
  const { can } = useAuth();
  const { t } = useTranslation();
  if (!can(area)) return <Result status="403" title="403" subTitle={t("common.forbidden")} />;
  return children;
}

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title="404" subTitle={t("common.notFound")} />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route index element={<Dashboard />} />
        <Route
          path="admin/org-units"
          element={
            <Guard area="orgUnits">
              <OrgUnitsPage />
            </Guard>
          }
        />
        <Route
          path="admin/users"
          element={
            <Guard area="users">
              <UsersPage />
            </Guard>
          }
        />
        <Route
          path="admin/clients"
          element={
            <Guard area="clients">
              <ClientsPage />
            </Guard>
          }
        />
        <Route
          path="cases"
          element={
            <Guard area="cases">
              <CaseListPage />
            </Guard>
          }
        />
        <Route
          path="cases/new"
          element={
            <Guard area="caseIntake">
              <CaseIntakePage />
            </Guard>
          }
        />
        <Route
          path="cases/:id"
          element={
            <Guard area="cases">
              <CaseDetailPage />
            </Guard>
          }
        />
        <Route
          path="projects"
          element={
            <Guard area="projects">
              <ProjectListPage />
            </Guard>
          }
        />
        <Route
          path="projects/new"
          element={
            <Guard area="projectEdit">
              <ProjectFormPage />
            </Guard>
          }
        />
        <Route
          path="projects/:id"
          element={
            <Guard area="projects">
              <ProjectDetailPage />
            </Guard>
          }
        />
        <Route
          path="indicators"
          element={
            <Guard area="indicators">
              <CataloguePage />
            </Guard>
          }
        />
        <Route
          path="indicators/entry"
          element={
            <Guard area="dataEntry">
              <DataEntryPage />
            </Guard>
          }
        />
        <Route
          path="indicators/analytics"
          element={
            <Guard area="indicators">
              <AnalyticsPage />
            </Guard>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function Localised({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const zh = i18n.language !== "en";
  dayjs.locale(zh ? "zh-cn" : "en");
  return (
    <ConfigProvider locale={zh ? zhCN : enUS} theme={{ token: { colorPrimary: "#c0392b", borderRadius: 6 } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export default function App({ queryClient = makeQueryClient() }: { queryClient?: QueryClient }) {
  return (
    <Localised>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AuthProvider>
            <Suspense fallback={<Spin fullscreen />}>
              <AppRoutes />
            </Suspense>
          </AuthProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </Localised>
  );
}
