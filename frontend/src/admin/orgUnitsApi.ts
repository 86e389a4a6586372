/** Org-unit reads and writes against the gateway. */
import { gateway, ifMatch, unwrap } from "../api/client";
import type { components } from "../api/gen/gateway";
import { session } from "../api/session";
import { problemFrom } from "../api/problem";

export type OrgUnit = components["schemas"]["OrgUnitPublic"];
/** A move in the region tree and the services (cases, projects, indicators) that have not applied it yet. */
export type OrgMove = components["schemas"]["OrgMoveStatus"];

export const orgUnitKeys = {
  all: ["org-units"] as const,
  children: (parentId: string | null) => ["org-units", "children", parentId ?? "roots"] as const,
  one: (id: string) => ["org-units", "one", id] as const,
  search: (q: string) => ["org-units", "search", q] as const,
  pendingMoves: ["org-units", "moves", "pending"] as const,
};

export const fetchChildren = (parentId: string | null) =>
  parentId
    ? unwrap(gateway.GET("/api/org-units/{unit_id}/children", { params: { path: { unit_id: parentId } } }))
    : unwrap(gateway.GET("/api/org-units", {}));

export const fetchUnit = (id: string) =>
  unwrap(gateway.GET("/api/org-units/{unit_id}", { params: { path: { unit_id: id } } }));

export const searchUnits = (q: string) =>
  unwrap(gateway.GET("/api/org-units", { params: { query: { q, limit: 30 } } }));

export const createUnit = (body: components["schemas"]["OrgUnitCreate"]) =>
  unwrap(gateway.POST("/api/org-units", { body }));

export const renameUnit = (unit: OrgUnit, name: string) =>
  unwrap(
    gateway.PATCH("/api/org-units/{unit_id}", {
      params: { path: { unit_id: unit.id } },
      body: { name },
      headers: ifMatch(unit.version),
    }),
  );

export const moveUnit = (unit: OrgUnit, parentId: string) =>
  unwrap(
    gateway.POST("/api/org-units/{unit_id}/move", {
      params: { path: { unit_id: unit.id } },
      body: { parent_id: parentId },
      headers: ifMatch(unit.version),
    }),
  );

/** Moves some service has not applied yet, newest first (admins; the gateway retries them every 30 s). */
export const fetchPendingMoves = () =>
  unwrap(gateway.GET("/api/org-units/moves", { params: { query: { pending_only: true, limit: 50 } } }));

/** Upload a CSV of code,name,parent_code (multipart, so it goes through session.fetch directly). */
export async function importUnits(file: File): Promise<components["schemas"]["ImportResult"]> {
  const form = new FormData();
  form.append("file", file);
  const response = await session.fetch(
    new Request(new URL("/api/org-units/import", globalThis.location.origin), { method: "POST", body: form }),
  );
  if (!response.ok) throw await problemFrom(response);
  return (await response.json()) as components["schemas"]["ImportResult"];
}
