import { describe, expect, it } from "vitest";
import { fenToYuan, yuanToFen } from "./api";

describe("money in fen", () => {
  it("turns typed yuan into whole fen without floating-point drift", () => {
    expect(yuanToFen("12.3")).toBe(1230);
    expect(yuanToFen("0.05")).toBe(5);
    expect(yuanToFen("79")).toBe(7900);
    expect(yuanToFen("1005.1")).toBe(100510);
    expect(yuanToFen("0.29")).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
  });

  it("shows fen as yuan with two decimals", () => {
    expect(fenToYuan(790000)).toBe("7,900.00");
  });
});
