/** Typed clients for the gateway and the three services, generated from their OpenAPI (`npm run gen:api`). */
import createClient from "openapi-fetch";
import type { paths as CasesPaths } from "./gen/cases";
import type { paths as GatewayPaths } from "./gen/gateway";
import type { paths as IndicatorsPaths } from "./gen/indicators";
import type { paths as ProjectsPaths } from "./gen/projects";
import { ApiError, problemFrom } from "./problem";
import { session } from "./session";

const origin = () => globalThis.location?.origin ?? "http://localhost";
const fetchWithSession = (request: Request) => session.fetch(request);

/** The gateway's own routes; paths in its schema already start with /api. */
export const gateway = createClient<GatewayPaths>({ baseUrl: origin(), fetch: fetchWithSession });
/** The services: their paths start with their name, the gateway adds /api in front. */
export const casesApi = createClient<CasesPaths>({ baseUrl: `${origin()}/api`, fetch: fetchWithSession });
export const projectsApi = createClient<ProjectsPaths>({ baseUrl: `${origin()}/api`, fetch: fetchWithSession });
export const indicatorsApi = createClient<IndicatorsPaths>({ baseUrl: `${origin()}/api`, fetch: fetchWithSession });

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful call, or the problem as an ApiError. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, { detail: e instanceof Error ? e.message : String(e), code: "network" });
  }
  if (result.response.ok) return result.data as T;
  const error = result.error;
  const status = result.response.status;
  if (error && typeof error === "object") throw new ApiError(status, { status, ...error });
  if (typeof error === "string" && error) throw new ApiError(status, { status, detail: error.slice(0, 300) });
  if (!result.response.bodyUsed) throw await problemFrom(result.response);
  throw new ApiError(status, { status });
}

/** If-Match for a row at `version` (the services' weak ETag). */
export const ifMatch = (version: number) => ({ "If-Match": `W/"${version}"` });
