/** The indicators service through the gateway: catalogue, data-entry forms and their workflow, analytics. */
import { ifMatch, indicatorsApi, unwrap } from "../api/client";
import type { components } from "../api/gen/indicators";

type S = components["schemas"];
export type Indicator = S["IndicatorPublic"];
export type DataSet = S["DataSetPublic"];
export type Form = S["FormPublic"];
export type Report = S["ReportPublic"];
export type AnalyticsRow = S["AnalyticsRow"];

export const ATTAINMENT_COLOURS: Record<S["Attainment"], string> = {
  achieved: "green",
  on_track: "blue",
  at_risk: "gold",
  off_track: "red",
  no_data: "default",
  no_target: "default",
};

export const indicatorKeys = {
  all: ["indicators"] as const,
  catalogue: (plan?: string) => ["indicators", "catalogue", plan ?? ""] as const,
  dataSets: ["indicators", "data-sets"] as const,
  form: (ds: string, org: string, period: string) => ["indicators", "form", ds, org, period] as const,
  reports: (q: object) => ["indicators", "reports", q] as const,
  analytics: (q: object) => ["indicators", "analytics", q] as const,
  plans: ["indicators", "plans"] as const,
};

export const listIndicators = (plan?: string) =>
  unwrap(indicatorsApi.GET("/indicators", { params: { query: { ...(plan ? { plan } : {}), limit: 200 } } }));
export const listPlans = () => unwrap(indicatorsApi.GET("/indicators/plans", { params: { query: { limit: 200 } } }));
export const listDataSets = () =>
  unwrap(indicatorsApi.GET("/indicators/data-sets", { params: { query: { limit: 200 } } }));

/** A path segment names a unit by its division code (a path's slashes cannot travel inside one segment). */
export const orgCode = (org: string) => (org.startsWith("/") ? (org.split("/").filter(Boolean).at(-1) ?? org) : org);
const formPath = (ds: string, org: string, period: string) => ({
  params: { path: { data_set: ds, org: orgCode(org), period } },
});
export const getForm = (ds: string, org: string, period: string) =>
  unwrap(indicatorsApi.GET("/indicators/forms/{data_set}/{org}/{period}", formPath(ds, org, period)));
export const saveForm = (f: Form, values: S["ValueIn"][]) =>
  unwrap(
    indicatorsApi.PUT("/indicators/forms/{data_set}/{org}/{period}", {
      ...formPath(f.data_set, f.org_path, f.period),
      body: { values },
      headers: f.id && f.version ? ifMatch(f.version) : {},
    }),
  );
/** One workflow step of a report: submit 上报, approve 审核通过, return 退回, reopen 撤销审核 (If-Match). */
export const step = (f: Form, action: S["Action"], body: S["StepBody"] = {}) =>
  unwrap(
    indicatorsApi.POST("/indicators/forms/{data_set}/{org}/{period}/{action}", {
      params: { path: { data_set: f.data_set, org: orgCode(f.org_path), period: f.period, action } },
      body,
      headers: f.version ? ifMatch(f.version) : {},
    }),
  );
export const submitForm = (f: Form, comment = "") => step(f, "submit", { comment });
export const approveForm = (f: Form) => step(f, "approve");
export const returnForm = (f: Form, reason: string, action: "return" | "reopen" = "return") =>
  step(f, action, { reason });
export const listReports = (query: { status?: S["ReportStatus"]; data_set?: string; period?: string }) =>
  unwrap(indicatorsApi.GET("/indicators/reports", { params: { query } }));
export const analytics = (query: {
  indicators: string;
  periods: string;
  orgs?: string;
  level?: string;
  approved_only?: boolean;
}) => unwrap(indicatorsApi.GET("/indicators/analytics", { params: { query } }));
export const earlyWarnings = (period: string) =>
  unwrap(indicatorsApi.GET("/indicators/early-warnings", { params: { query: { period } } }));
