/** The projects service through the gateway. */
import { ifMatch, projectsApi, unwrap } from "../api/client";
import type { components, operations } from "../api/gen/projects";
import { problemFrom } from "../api/problem";
import { session } from "../api/session";

type S = components["schemas"];
export type Project = S["ProjectPublic"];
export type ProjectDetail = S["ProjectDetail"];
export type ProjectCreate = S["ProjectCreate"];
export type ProjectFilters = NonNullable<operations["list_projects_projects_get"]["parameters"]["query"]>;
export type Measure = S["Measure"];

export const STATUSES: S["ProjectStatus"][] = [
  "draft",
  "submitted",
  "under_review",
  "approved",
  "rejected",
  "returned",
  "in_progress",
  "suspended",
  "closing",
  "closed",
];
export const KINDS: S["ProjectKind"][] = [
  "routine",
  "government_purchase",
  "upper_level",
  "self_initiated",
  "social_international",
];
export const CATEGORIES: S["ProjectCategory"][] = [
  "employment",
  "skills_training",
  "health_screening",
  "legal_aid",
  "family_building",
  "child_care",
  "safe_water",
  "micro_loans",
  "publicity",
  "other",
];
export const MEASURES: Measure[] = [
  "women_trained",
  "women_certified",
  "women_employed",
  "businesses_started",
  "loans_granted",
  "loan_amount_fen",
  "jobs_created",
  "screenings_done",
  "beneficiaries_registered",
  "activities_held",
  "trainings_held",
  "activity_participants",
  "households_reached",
  "leaflets_distributed",
  "people_reached",
];
export const SOURCES: S["FundingSource"][] = [
  "finance",
  "upper_allocation",
  "government_purchase",
  "donation",
  "international",
  "matching",
];
export const ACTIVITY_KINDS: S["ActivityKind"][] = ["training", "lecture", "campaign", "visit", "fair", "other"];
/** Actions whose step needs a written reason (projects/workflow.py). */
export const NEEDS_REASON = new Set(["reject", "return", "suspend", "reopen"]);

export const projectKeys = {
  all: ["projects"] as const,
  list: (f: ProjectFilters) => ["projects", "list", f] as const,
  one: (id: string) => ["projects", "one", id] as const,
  sub: (id: string, what: string) => ["projects", "one", id, what] as const,
};

export const listProjects = (query: ProjectFilters) => unwrap(projectsApi.GET("/projects", { params: { query } }));
export const countProjects = async (query: ProjectFilters) =>
  (await unwrap(projectsApi.GET("/projects", { params: { query: { ...query, limit: 1, total: true } } }))).total ?? 0;
export const createProject = (body: ProjectCreate, key: string) =>
  unwrap(projectsApi.POST("/projects", { body, headers: { "Idempotency-Key": key } }));
export const getProject = (id: string) =>
  unwrap(projectsApi.GET("/projects/{project_id}", { params: { path: { project_id: id } } }));
export const takeAction = (p: ProjectDetail, action: string, reason?: string) =>
  unwrap(
    projectsApi.POST("/projects/{project_id}/actions/{action}", {
      params: { path: { project_id: p.id, action } },
      body: reason ? { reason } : {},
      headers: ifMatch(p.version),
    }),
  );
const path = (id: string) => ({ params: { path: { project_id: id } } });
export const targets = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/targets", path(id)));
export const addTarget = (id: string, body: S["TargetCreate"]) =>
  unwrap(projectsApi.POST("/projects/{project_id}/targets", { ...path(id), body }));
export const progress = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/progress", path(id)));
export const budget = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/budget", path(id)));
export const addBudgetLine = (id: string, body: S["BudgetLineCreate"], key: string) =>
  unwrap(
    projectsApi.POST("/projects/{project_id}/budget/lines", { ...path(id), body, headers: { "Idempotency-Key": key } }),
  );
export const activities = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/activities", path(id)));
export const addActivity = (id: string, body: S["ActivityCreate"], key: string) =>
  unwrap(
    projectsApi.POST("/projects/{project_id}/activities", { ...path(id), body, headers: { "Idempotency-Key": key } }),
  );
export const beneficiaries = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/beneficiaries", path(id)));
export const reviews = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/reviews", path(id)));
export const addReview = (id: string, body: S["ReviewCreate"]) =>
  unwrap(projectsApi.POST("/projects/{project_id}/reviews", { ...path(id), body }));
export const events = (id: string) => unwrap(projectsApi.GET("/projects/{project_id}/events", path(id)));

/** Yuan as typed by a person → integer fen, without floating-point drift ("12.3" → 1230). */
export function yuanToFen(yuan: string | number): number {
  const [whole, frac = ""] = String(yuan).trim().split(".");
  const sign = whole.startsWith("-") ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 100 + Number((frac + "00").slice(0, 2)));
}

export function fenToYuan(fen: number): string {
  return (fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Upload a voucher or report (raw body; the service reads Content-Type and ?filename=). */
export async function uploadAttachment(projectId: string, file: File): Promise<S["AttachmentPublic"]> {
  const url = new URL(`/api/projects/${projectId}/attachments`, globalThis.location.origin);
  url.searchParams.set("filename", file.name);
  const response = await session.fetch(
    new Request(url, {
      method: "POST",
      body: file,
      headers: { "Content-Type": file.type || "application/octet-stream" },
    }),
  );
  if (!response.ok) throw await problemFrom(response);
  return (await response.json()) as S["AttachmentPublic"];
}

export const addExpenditure = (id: string, body: S["ExpenditureCreate"], key: string) =>
  unwrap(
    projectsApi.POST("/projects/{project_id}/expenditures", { ...path(id), body, headers: { "Idempotency-Key": key } }),
  );
