import { describe, expect, it } from "vitest";
import en from "./en";
import zhCN from "./zh-CN";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("translations", () => {
  it("has the same keys in zh-CN and en", () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it("leaves no message empty", () => {
    for (const dict of [en, zhCN]) {
      const flat = keys(dict);
      for (const k of flat) {
        const value = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], dict);
        expect(String(value).trim(), k).not.toBe("");
      }
    }
  });
});
