/** The sign-in error in the user's words: wrong password, locked until when, disabled, or any other problem. */
import type { TFunction } from "i18next";
import { asApiError } from "../api/problem";
import { headline } from "../common/errors";
import { formatDateTime } from "../common/time";

export function loginErrorMessage(t: TFunction, error: unknown): string {
  const e = asApiError(error);
  if (e.status === 423 || e.problem.code === "locked") {
    const until = typeof e.problem.locked_until === "string" ? formatDateTime(e.problem.locked_until) : "";
    return t("auth.locked", { time: until });
  }
  if (e.status === 401) return t("auth.badCredentials");
  if (e.problem.code === "disabled") return t("auth.disabled");
  return e.problem.detail ? `${headline(t, e)} ${e.problem.detail}` : headline(t, e);
}
