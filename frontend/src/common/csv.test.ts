import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes commas, quotes and newlines and starts with a BOM", () => {
    const text = toCsv(["编号", "摘要"], [["WQ-440106-2026-000001", '丈夫殴打, 称"再报警就打死你"\n多次']]);
    expect(text.startsWith("\uFEFF编号,摘要\r\n")).toBe(true);
    expect(text).toContain('"丈夫殴打, 称""再报警就打死你""\n多次"');
  });
});
