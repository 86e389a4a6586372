// A project manager applies for a project, the district leader reviews and approves it (立项), the manager starts
// it, sets targets, records a training, and the plan chart shows the actual against the target.
import { DEMO_PASSWORD, assert, label, loginOk, newPage, run, shot, signOut } from "../lib.mjs";

const NAME = "天河区巾帼家政技能培训";

async function act(page, action, status) {
  await page.getByRole("button", { name: label(action) }).click();
  await page.getByTestId("project-status").getByText(status, { exact: true }).waitFor();
}

await run(async (browser, summary) => {
  const page = await newPage(browser);
  await loginOk(page, "th_projects", DEMO_PASSWORD);
  await page.getByRole("menuitem", { name: "新建项目" }).click();
  const form = page.locator("form#project");
  await form.getByLabel("项目名称").fill(NAME);
  await form.getByLabel("项目类别").click();
  await page.getByTitle("技能培训").click();
  await form.locator("#project_dates").click();
  await page.keyboard.type("2026-10-01");
  await page.keyboard.press("Enter");
  await page.keyboard.type("2027-06-30");
  await page.keyboard.press("Enter");
  await form.getByLabel("分管领导").fill("吴桂兰");
  await form.getByLabel("总体目标").fill("为辖区失业及低收入妇女提供育婴、家政技能培训，帮助 100 名妇女取得证书、60 名实现就业。");
  await form.getByLabel("计划受益人数").fill("100");
  await shot(page, "projects-01-form");
  await form.getByRole("button", { name: label("保存") }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  await page.getByTestId("project-status").getByText("草稿").waitFor();
  const url = page.url();

  // The plan: targets for this quarter.
  await page.getByRole("tab", { name: "计划与进度" }).click();
  const target = page.locator("form#target");
  for (const [measure, value] of [["活动参与人次", "100"], ["举办培训期数", "4"]]) {
    await target.getByLabel("指标").click();
    await page.keyboard.type(measure);
    await page.getByTitle(measure, { exact: true }).click();
    await target.getByLabel(/期间/).fill("2026Q4");
    await target.getByLabel("目标值").fill(value);
    await target.getByRole("button", { name: "设定目标" }).click();
    await page.getByRole("cell", { name: measure }).waitFor();
  }
  await act(page, "申报", "已申报");
  await signOut(page);

  // The district leader reviews and approves.
  await loginOk(page, "th_leader", DEMO_PASSWORD);
  await page.goto(url);
  await act(page, "开始论证", "论证中");
  await page.getByRole("tab", { name: "论证与评估" }).click();
  const review = page.locator("form#review");
  await review.getByLabel("评分").fill("88");
  await review.getByLabel("意见").fill("需求调研充分，培训课程与就业岗位衔接，建议立项。");
  await review.getByLabel("建议").click();
  await page.getByTitle("建议立项", { exact: true }).click();
  await review.getByRole("button", { name: "提交论证意见" }).click();
  await page.getByRole("cell", { name: "需求调研充分，培训课程与就业岗位衔接，建议立项。" }).waitFor();
  await act(page, "批准立项", "已立项");
  await shot(page, "projects-02-approved");
  await signOut(page);

  // The manager starts it and records the first training.
  await loginOk(page, "th_projects", DEMO_PASSWORD);
  await page.goto(url);
  await act(page, "开始实施", "实施中");
  await page.getByRole("tab", { name: "活动" }).click();
  const activity = page.locator("form#activity");
  await activity.getByLabel("标题").fill("第一期育婴员培训班");
  await activity.locator("#activity_held_on").click();
  await page.keyboard.type("2026-11-10");
  await page.keyboard.press("Tab");
  await activity.getByLabel("参加人数").fill("35");
  await activity.getByLabel("地点").fill("天河区妇女儿童活动中心");
  await activity.getByRole("button", { name: "记录活动" }).click();
  await page.getByRole("cell", { name: "第一期育婴员培训班" }).waitFor();

  // Money: a budget line of 5,000 yuan from local finance, then a payment of 1,234.50 yuan with its voucher.
  await page.getByRole("tab", { name: "预算与支出" }).click();
  const line = page.locator("form#budgetLine");
  await line.getByLabel("资金来源").click();
  await page.getByTitle("本级财政").click();
  await line.getByLabel("支出科目").fill("培训讲师费");
  await line.getByLabel("金额（元）").fill("5000");
  await line.getByRole("button", { name: "添加预算" }).click();
  await page.getByRole("row", { name: /培训讲师费/ }).first().waitFor();
  const pay = page.locator("form#expenditure");
  await pay.getByLabel("支出科目").click();
  await page.getByTitle(/培训讲师费/).click();
  await pay.getByLabel("金额（元）").fill("1234.50");
  await pay.getByLabel("收款方").fill("广州市巾帼家政服务培训中心");
  await pay.getByLabel("用途").fill("第一期育婴员培训讲师课酬");
  await pay.locator("#expenditure_spent_on").click();
  await page.keyboard.type("2026-11-12");
  await page.keyboard.press("Tab");
  await pay.locator("input[type=file]").setInputFiles({ name: "voucher.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% voucher\n") });
  await pay.getByRole("button", { name: "登记支出" }).click();
  await page.getByRole("row", { name: /广州市巾帼家政服务培训中心/ }).waitFor();
  const budgetRow = page.getByRole("row", { name: /培训讲师费/ }).first();
  await budgetRow.getByRole("cell", { name: "1,234.50" }).waitFor();
  await budgetRow.getByRole("cell", { name: "3,765.50" }).waitFor();
  await budgetRow.getByRole("cell", { name: /24\.7\s*%/ }).waitFor();
  await shot(page, "projects-03a-budget");

  await page.getByRole("tab", { name: "计划与进度" }).click();
  const row = page.getByRole("row", { name: /活动参与人次/ });
  await row.getByRole("cell", { name: "35", exact: true }).waitFor();
  const cells = await row.getByRole("cell").allInnerTexts();
  assert.equal(cells[2], "100", "target");
  assert.equal(cells[3], "35", "actual from the recorded training");
  await page.getByRole("img", { name: "目标与实际（按期间）" }).waitFor();
  await shot(page, "projects-03-plan-chart");

  await page.getByRole("menuitem", { name: "项目列表" }).click();
  await page.getByRole("row", { name: new RegExp(NAME) }).getByText("实施中").first().waitFor();
  summary.ok = true;
});
