import { describe, expect, it } from "vitest";
import { toSearchParams } from "./keysetList";

describe("toSearchParams", () => {
  it("repeats array keys and leaves out empty and false values", () => {
    const params = toSearchParams({
      status: ["received", "accepted"],
      q: "",
      urgent: true,
      overdue: false,
      category: undefined,
    });
    expect(params.toString()).toBe("status=received&status=accepted&urgent=true");
  });
});
