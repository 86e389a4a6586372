/** The sign-in error in the user's words: wrong password (or disabled: the server does not tell which), delayed after
 * failed attempts from here (for how long), or any other problem. */
import type { TFunction } from "i18next";
import { asApiError } from "../api/problem";
import { headline } from "../common/errors";

export function loginErrorMessage(t: TFunction, error: unknown): string {
  const e = asApiError(error);
  if (e.status === 429 && e.problem.code === "sign_in_delayed") {
    const seconds = typeof e.problem.retry_after === "number" ? e.problem.retry_after : 30;
    return t("auth.delayed", { seconds });
  }
  if (e.status === 401) return t("auth.badCredentials");
  return e.problem.detail ? `${headline(t, e)} ${e.problem.detail}` : headline(t, e);
}
