/** What each role may open: the menu, the routes and the action buttons all read this one table. */

export const ROLES = [
  "admin",
  "leader",
  "case_worker",
  "hotline_operator",
  "project_manager",
  "statistician",
  "auditor",
] as const;
export type Role = (typeof ROLES)[number];

const STAFF: readonly Role[] = ROLES;

export const ACCESS = {
  dashboard: STAFF,
  cases: ["leader", "case_worker", "hotline_operator", "auditor"],
  caseIntake: ["case_worker", "hotline_operator"],
  caseHandle: ["case_worker", "leader"],
  projects: ["leader", "project_manager", "auditor"],
  projectEdit: ["project_manager"],
  projectApprove: ["leader"],
  indicators: ["leader", "statistician", "auditor"],
  dataEntry: ["statistician", "leader"],
  valueEdit: ["statistician"],
  reportApprove: ["leader"],
  orgUnits: ["admin"],
  users: ["leader", "auditor"],
  userEdit: [],
  clients: [],
} as const satisfies Record<string, readonly Role[]>;

export type Area = keyof typeof ACCESS;

/** True when one of `roles` opens `area`; admin opens everything, as the services' require_roles does. */
export function can(roles: readonly string[] | undefined, area: Area): boolean {
  if (!roles) return false;
  if (roles.includes("admin")) return true;
  const allowed: readonly string[] = ACCESS[area];
  return roles.some((r) => allowed.includes(r));
}
