import dayjs from "dayjs";
import { describe, expect, it } from "vitest";
import { toCaseCreate } from "./CaseIntakePage";

describe("intake form → CaseCreate", () => {
  it("sends what was typed, drops blank optional fields and keeps the risk answers", () => {
    const body = toCaseCreate({
      channel: "hotline",
      received_at: dayjs("2026-11-23T21:30:00+08:00"),
      primary_category: "domestic_violence",
      summary: "  丈夫酒后殴打  ",
      victim: { name: "王秀兰", phone: "", id_number: undefined, sex: "female", marital_status: "" },
      complainant_kind: "victim",
      respondents: [
        { name: "张建军", relationship: "spouse" },
        { name: "", relationship: "other" },
      ],
      risk: { threatened_to_kill: true, strangulation: true } as never,
    });
    expect(body.summary).toBe("丈夫酒后殴打");
    expect(body.received_at).toBe("2026-11-23T13:30:00.000Z");
    expect(body.victim).toEqual({ name: "王秀兰", sex: "female" });
    expect(body.respondents).toEqual([{ person: { name: "张建军" }, relationship: "spouse" }]);
    expect(body.risk).toMatchObject({ threatened_to_kill: true, strangulation: true, notes: "" });
  });
});

describe("identity documents at intake", () => {
  const base = {
    channel: "hotline" as const,
    primary_category: "domestic_violence" as const,
    summary: "求助",
    complainant_kind: "victim" as const,
    risk: {} as never,
  };

  it("sends full-width digits as typed: the server normalises them (no client-side pattern refuses them)", () => {
    const body = toCaseCreate({
      ...base,
      victim: {
        name: "黄秀英",
        phone: "１３９　８７６５　４３２１",
        id_type: "passport",
        id_number: "ｅ１２３４５６７８",
      },
    });
    expect(body.victim).toEqual({
      name: "黄秀英",
      phone: "１３９　８７６５　４３２１",
      id_type: "passport",
      id_number: "ｅ１２３４５６７８",
    });
  });

  it("sends the document type only with a number", () => {
    const body = toCaseCreate({ ...base, victim: { name: "黄秀英", id_type: "resident_id", id_number: "" } });
    expect(body.victim).toEqual({ name: "黄秀英" });
  });
});
