/** RFC 9457 problem documents from the gateway and the services, as an Error the UI can show in words. */

export interface FieldError {
  field: string;
  message: string;
  /** A stable machine code, on the refusals that have one (docs/api.md): the SPA says it in the user's language. */
  code?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  get fieldErrors(): FieldError[] {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

/** Read a failed response into an ApiError, whatever its body (problem+json, other JSON, text or nothing). */
export async function problemFrom(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status };
  const text = await response.text().catch(() => "");
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") problem = { ...(parsed as Problem) };
      if (typeof (parsed as { detail?: unknown }).detail !== "string" && (parsed as { detail?: unknown }).detail) {
        // FastAPI's default validation shape: detail is a list of {loc, msg}.
        const list = (parsed as { detail: { loc?: unknown[]; msg?: string }[] }).detail;
        problem.errors = list.map((e) => ({ field: (e.loc ?? []).slice(1).join("."), message: e.msg ?? "" }));
        problem.detail = undefined;
      }
    } catch {
      problem.detail = text.slice(0, 300);
    }
  }
  return new ApiError(response.status, problem);
}

/** Normalise anything thrown by a request into an ApiError (a fetch that never reached the server is status 0). */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(0, { detail: message, code: "network" });
}

/**
 * The form field an error belongs to: "roles.0" → ["roles", 0]; FastAPI's locations are dotted.
 * Returns the path as antd's Form NamePath.
 */
export function fieldPath(field: string): (string | number)[] {
  return field
    .split(".")
    .filter((p) => p !== "")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
