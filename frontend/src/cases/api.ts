/** The cases service through the gateway: list, intake, detail, workflow and the case's sub-records. */
import { casesApi, ifMatch, unwrap } from "../api/client";
import type { components, operations } from "../api/gen/cases";
import { problemFrom } from "../api/problem";
import { session } from "../api/session";

type S = components["schemas"];
export type CaseListItem = S["CaseListItem"];
export type CaseDetail = S["CaseDetail"];
export type CaseCreate = S["CaseCreate"];
export type Status = S["Status"];
export type Category = S["Category"];
export type Channel = S["Channel"];
export type RiskLevel = S["RiskLevel"];
export type ResolutionType = S["ResolutionType"];
export type TransitionIn = S["TransitionIn"];
export type DocumentType = S["DocumentType"];
export type CaseFilters = NonNullable<operations["list_cases_cases_get"]["parameters"]["query"]>;

export const STATUSES: Status[] = [
  "received",
  "accepted",
  "declined",
  "in_progress",
  "resolved",
  "followed_up",
  "archived",
];
export const OPEN_STATUSES: Status[] = ["received", "accepted", "in_progress"];
export const CATEGORIES: Category[] = [
  "domestic_violence",
  "marriage_family",
  "property_rights",
  "labour_rights",
  "sexual_harassment",
  "trafficking",
  "children_rights",
  "personal_rights",
  "other",
];
export const CHANNELS: Channel[] = [
  "hotline",
  "visit",
  "letter",
  "online",
  "mobile_app",
  "partner_referral",
  "outreach",
  "petition",
];
/** The identity documents the server checks (halfsky_common.personal.DocumentType), resident ID first. */
export const ID_TYPES: DocumentType[] = [
  "resident_id",
  "passport",
  "hk_macao_permit",
  "taiwan_permit",
  "foreign_permanent_id",
];
export const RISK_LEVELS: RiskLevel[] = ["low", "medium", "high", "critical"];
export const RESOLUTIONS: ResolutionType[] = [
  "mediated",
  "advised",
  "referred",
  "legal_action",
  "administrative",
  "withdrawn",
  "unresolvable",
];
export const RISK_QUESTIONS = [
  "threatened_to_kill",
  "strangulation",
  "weapon",
  "fears_for_life",
  "escalation",
  "sexual_violence",
  "pregnant",
  "children_at_risk",
  "recent_separation",
  "stalking",
  "substance_abuse",
  "prior_police_calls",
] as const;
export const RISK_COLOURS: Record<RiskLevel, string> = { low: "blue", medium: "gold", high: "orange", critical: "red" };

/** The workflow table of the cases service (halfsky_cases/cases/workflow.py); the server has the last word. */
export const TRANSITIONS: Record<Status, Status[]> = {
  received: ["accepted", "declined"],
  accepted: ["in_progress"],
  declined: ["archived"],
  in_progress: ["resolved"],
  resolved: ["followed_up", "in_progress"],
  followed_up: ["archived", "in_progress"],
  archived: ["in_progress"],
};
/** The main line of a case, for the Steps bar. */
export const MAIN_LINE: Status[] = ["received", "accepted", "in_progress", "resolved", "followed_up", "archived"];

export const caseKeys = {
  all: ["cases"] as const,
  list: (filters: CaseFilters) => ["cases", "list", filters] as const,
  one: (id: string) => ["cases", "one", id] as const,
  sub: (id: string, what: string) => ["cases", "one", id, what] as const,
};

export const listCases = (query: CaseFilters) => unwrap(casesApi.GET("/cases", { params: { query } }));

export const countCases = async (query: CaseFilters) =>
  (await unwrap(casesApi.GET("/cases", { params: { query: { ...query, limit: 1, total: true } } }))).total ?? 0;

export const createCase = (body: CaseCreate, idempotencyKey: string) =>
  unwrap(casesApi.POST("/cases", { body, headers: { "Idempotency-Key": idempotencyKey } }));

/**
 * The shortest reason the cases service accepts for a reveal (CASES_REVEAL_REASON_MIN_CHARS, default 4; trimmed, a
 * Chinese character counts one). Checked here to say so before asking; a higher setting still shows its 422 at the field.
 */
export const REVEAL_REASON_MIN = 4;

export const getCase = (id: string, reveal?: { reason: string }) =>
  unwrap(
    casesApi.GET("/cases/{case_id}", {
      params: { path: { case_id: id }, query: reveal ? { reveal: true, reason: reveal.reason } : {} },
    }),
  );

export const transition = (c: CaseDetail, body: TransitionIn) =>
  unwrap(
    casesApi.POST("/cases/{case_id}/transitions", {
      params: { path: { case_id: c.id } },
      body,
      headers: ifMatch(c.version),
    }),
  );

export const assign = (c: CaseDetail, handler: { handler_id: string; handler_name: string }) =>
  unwrap(
    casesApi.PUT("/cases/{case_id}/assignment", {
      params: { path: { case_id: c.id } },
      body: handler,
      headers: ifMatch(c.version),
    }),
  );

export const timeline = (id: string) =>
  unwrap(casesApi.GET("/cases/{case_id}/timeline", { params: { path: { case_id: id } } }));
export const actions = (id: string) =>
  unwrap(casesApi.GET("/cases/{case_id}/actions", { params: { path: { case_id: id } } }));
export const addAction = (id: string, body: S["ActionIn"]) =>
  unwrap(casesApi.POST("/cases/{case_id}/actions", { params: { path: { case_id: id } }, body }));
export const referrals = (id: string) =>
  unwrap(casesApi.GET("/cases/{case_id}/referrals", { params: { path: { case_id: id } } }));
export const refer = (id: string, body: S["ReferralIn"]) =>
  unwrap(casesApi.POST("/cases/{case_id}/referrals", { params: { path: { case_id: id } }, body }));
export const partners = () => unwrap(casesApi.GET("/cases/partners", {}));
export const attachments = (id: string) =>
  unwrap(casesApi.GET("/cases/{case_id}/attachments", { params: { path: { case_id: id } } }));
export const supervisions = (id: string) =>
  unwrap(casesApi.GET("/cases/{case_id}/supervisions", { params: { path: { case_id: id } } }));
export const supervise = (id: string, body: S["SupervisionIn"]) =>
  unwrap(casesApi.POST("/cases/{case_id}/supervisions", { params: { path: { case_id: id } }, body }));
export const replySupervision = (s: S["SupervisionPublic"], reply: string) =>
  unwrap(
    casesApi.POST("/cases/supervisions/{supervision_id}/reply", {
      params: { path: { supervision_id: s.id } },
      body: { reply },
      headers: ifMatch(s.version),
    }),
  );
export const transfers = (id: string) =>
  unwrap(casesApi.GET("/cases/{case_id}/transfers", { params: { path: { case_id: id } } }));
export const requestTransfer = (id: string, body: S["TransferIn"]) =>
  unwrap(casesApi.POST("/cases/{case_id}/transfers", { params: { path: { case_id: id } }, body }));

/** Upload evidence (multipart) through the session's fetch. */
export async function uploadAttachment(
  caseId: string,
  file: File,
  description: string,
): Promise<S["AttachmentPublic"]> {
  const form = new FormData();
  form.append("file", file);
  form.append("description", description);
  const response = await session.fetch(
    new Request(new URL(`/api/cases/${caseId}/attachments`, globalThis.location.origin), {
      method: "POST",
      body: form,
    }),
  );
  if (!response.ok) throw await problemFrom(response);
  return (await response.json()) as S["AttachmentPublic"];
}

/** Download a file with the bearer token and hand it to the browser. */
export async function download(url: string, filename: string): Promise<void> {
  const response = await session.fetch(new Request(new URL(url, globalThis.location.origin)));
  if (!response.ok) throw await problemFrom(response);
  saveBlob(await response.blob(), filename);
}

export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
