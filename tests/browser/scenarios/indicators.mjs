// Two streets' quarterly training figures are entered (with a validation message on a bad value) and submitted,
// the district leader approves both, and analytics shows the district's aggregate and the streets on the chart.
import { BASE_URL, DEMO_PASSWORD, assert, label, loginOk, newPage, run, shot, signOut } from "../lib.mjs";

const PERIOD = "2026Q4";
const STREETS = [
  { code: "440106001", path: "/44/4401/440106/440106001/", name: "五山街道", values: ["120", "6", "45"] },
  { code: "440106002", path: "/44/4401/440106/440106002/", name: "员村街道", values: ["80", "3", "30"] },
];
const ANALYTICS = `${BASE_URL}/indicators/analytics?indicators=E-TRAINED&periods=${PERIOD}&orgs=/44/4401/440106/&approved_only=true`;

/** The district's approved total of E-TRAINED in the analytics table (0 when there is none yet). */
async function districtTotal(page) {
  await page.goto(ANALYTICS);
  const table = page.getByTestId("analytics-table").or(page.getByText("没有数据"));
  await table.first().waitFor();
  const row = page.getByRole("row", { name: /天河区/ });
  if ((await row.count()) === 0) return 0;
  const value = (await row.getByRole("cell").nth(3).innerText()).replace(/[^\d.]/g, "");
  return value ? Number(value) : 0;
}

await run(async (browser, summary) => {
  const page = await newPage(browser);
  await loginOk(page, "th_stats", DEMO_PASSWORD);
  const before = await districtTotal(page);

  for (const [i, street] of STREETS.entries()) {
    await page.goto(`${BASE_URL}/indicators/entry?data_set=employment_quarterly&org=${street.path}&period=${PERIOD}`);
    await page.getByTestId("report-status").getByText("草稿").waitFor();
    const inputs = ["培训农民工人数", "扶持创业人数", "带动就业人数"].map((n) => page.getByLabel(n, { exact: true }));
    if (i === 0) {
      // A negative count is refused by the service, with the message on its row.
      await inputs[0].fill("-5");
      await page.getByRole("button", { name: label("保存") }).click();
      await page.getByRole("row", { name: /培训农民工人数/ }).getByRole("alert").filter({ hasText: "cannot be negative" }).waitFor();
      await shot(page, "indicators-01-validation");
    }
    for (const [k, input] of inputs.entries()) await input.fill(street.values[k]);
    await page.getByRole("button", { name: label("保存") }).click();
    await page.getByText("已保存").first().waitFor();
    await page.getByRole("button", { name: label("上报") }).click();
    const dialog = page.getByRole("dialog", { name: label("上报") });
    await dialog.getByRole("button", { name: label("上报") }).click();
    // Values far from the previous quarter's need a comment; the service's message appears on that field.
    const comment = dialog.locator(".ant-form-item-explain-error");
    const outcome = await Promise.race([
      page.getByTestId("report-status").getByText("已上报").waitFor().then(() => "submitted"),
      comment.first().waitFor().then(() => "asked"),
    ]);
    if (outcome === "asked") {
      summary.commentAsked = await comment.first().innerText();
      await shot(page, "indicators-01b-comment-required");
      await dialog.getByLabel(/情况说明/).fill("本季度街道新开两期家政培训班，带动就业统计口径改为签约三个月以上。");
      await dialog.getByRole("button", { name: label("上报") }).click();
      await page.getByTestId("report-status").getByText("已上报").waitFor();
    }
  }
  await shot(page, "indicators-02-submitted");
  await signOut(page);

  // The district leader approves both from her list.
  await loginOk(page, "th_leader", DEMO_PASSWORD);
  await page.getByRole("menuitem", { name: "数据填报" }).click();
  for (const street of STREETS) {
    await page.getByRole("button", { name: new RegExp(`employment_quarterly · ${street.path} · ${PERIOD}`) }).click();
    await page.getByTestId("report-status").getByText("已上报").waitFor();
    await page.getByRole("button", { name: "审核通过" }).click();
    await page.getByTestId("report-status").getByText("已审核").waitFor();
  }
  await page.getByText("已审核，数据已锁定").waitFor();
  await shot(page, "indicators-03-approved");

  // The aggregate: the district's figure grows by the two streets' sum; grouped by street, both appear.
  const after = await districtTotal(page);
  assert.equal(after - before, 200, `district total ${before} → ${after}`);
  await page.getByRole("img", { name: "趋势" }).waitFor();
  await shot(page, "indicators-04-analytics-district");
  await page.goto(`${ANALYTICS}&level=4`);
  for (const street of STREETS) {
    await page.getByRole("row", { name: new RegExp(street.name) }).getByRole("cell", { name: `${street.values[0]}人` }).waitFor();
  }
  await page.getByRole("img", { name: "按地区" }).waitFor();
  await shot(page, "indicators-05-analytics-by-street");
  summary.before = before;
  summary.after = after;
  summary.ok = true;
});
