import { describe, expect, it } from "vitest";
import { asApiError, fieldPath, problemFrom } from "./problem";

describe("problem documents", () => {
  it("reads detail and field errors from problem+json", async () => {
    const response = new Response(
      JSON.stringify({
        title: "Validation failed",
        status: 422,
        detail: "Invalid input: password",
        errors: [{ field: "password", message: "at least 10 characters" }],
      }),
      { status: 422, headers: { "Content-Type": "application/problem+json" } },
    );
    const error = await problemFrom(response);
    expect(error.status).toBe(422);
    expect(error.message).toBe("Invalid input: password");
    expect(error.fieldErrors).toEqual([{ field: "password", message: "at least 10 characters" }]);
  });

  it("keeps the lockout time of a 423", async () => {
    const error = await problemFrom(
      new Response(
        JSON.stringify({ status: 423, detail: "locked", code: "locked", locked_until: "2026-11-24T03:41:00+00:00" }),
        { status: 423 },
      ),
    );
    expect(error.problem.locked_until).toBe("2026-11-24T03:41:00+00:00");
  });

  it("turns a non-JSON body into words", async () => {
    const error = await problemFrom(new Response("Bad Gateway", { status: 502 }));
    expect(error.problem.detail).toBe("Bad Gateway");
  });

  it("reads FastAPI's default validation list", async () => {
    const error = await problemFrom(
      new Response(JSON.stringify({ detail: [{ loc: ["body", "name"], msg: "required" }] }), { status: 422 }),
    );
    expect(error.fieldErrors).toEqual([{ field: "name", message: "required" }]);
  });

  it("treats a fetch that never reached the server as status 0", () => {
    expect(asApiError(new TypeError("Failed to fetch")).status).toBe(0);
  });

  it("maps dotted locations to form paths", () => {
    expect(fieldPath("parties.0.name")).toEqual(["parties", 0, "name"]);
  });
});
