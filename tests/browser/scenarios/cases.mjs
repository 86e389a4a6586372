// A case worker takes in a domestic-violence case from the 12338 hotline and moves it through its whole workflow.
import { stat } from "node:fs/promises";
import { DEMO_PASSWORD, assert, label, loginOk, newPage, run, shot } from "../lib.mjs";

const VICTIM = "王秀兰";
const PHONE = "13812345678";

await run(async (browser, summary) => {
  const page = await newPage(browser);
  await loginOk(page, "th_caseworker", DEMO_PASSWORD);
  await page.getByRole("menuitem", { name: "登记受理" }).click();
  await page.getByRole("heading", { name: "登记受理" }).waitFor();

  // The form validates like the API before anything is sent.
  await page.getByRole("button", { name: /^登\s*记$/ }).click();
  await page.getByText("请输入案情摘要").or(page.locator(".ant-form-item-explain-error").first()).first().waitFor();

  const form = page.locator("form#intake");
  await form.getByLabel("案件类别").click();
  await page.getByTitle("家庭暴力").click();
  await form.getByLabel("案情摘要").fill("丈夫酒后殴打，威胁再报警就打死她");
  await form.getByLabel("详细情况").fill("来电人称昨晚丈夫酒后用皮带殴打，手臂有淤青；两个孩子在家目睹。此前曾报警一次。");
  await form.getByLabel("姓名", { exact: true }).first().fill(VICTIM);
  await form.getByLabel("电话").fill(PHONE);
  await form.getByLabel("年龄").fill("34");
  await page.getByRole("button", { name: "添加被反映人" }).click();
  await form.locator("#intake_respondents_0_name").fill("张建军");
  for (const q of ["对方是否威胁要杀害她？", "对方是否曾掐脖子/使其窒息？", "是否有未成年子女受到威胁？", "对方是否酗酒或吸毒？"]) {
    await form.getByLabel(q).check();
  }
  await shot(page, "cases-01-intake");
  await page.getByRole("button", { name: /^登\s*记$/ }).click();

  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const number = await page.getByTestId("case-number").innerText();
  assert.match(number, /^WQ-440106-\d{4}-\d{6}$/, "a human case number");
  assert.equal(await page.getByTestId("case-status").innerText(), "已登记");
  await page.getByText("紧急", { exact: true }).first().waitFor();
  summary.number = number;

  // The dashboard counts it as open and urgent, charts it under its category, and clicks through to the list.
  const detailUrl = page.url();
  await page.getByRole("menuitem", { name: "工作台" }).click();
  const urgentFigure = page.getByRole("link", { name: "紧急案件（高/极高风险）" });
  await urgentFigure.locator(".ant-statistic-content-value").filter({ hasText: /^[1-9]\d*$/ }).waitFor();
  await page.getByRole("img", { name: "本月案件（按类别）" }).waitFor();
  await page.getByText(/家庭暴力 \d+/).waitFor();
  await shot(page, "cases-00-dashboard");
  await urgentFigure.click();
  await page.getByRole("row", { name: new RegExp(number) }).waitFor();
  await page.goto(detailUrl);

  // Parties are masked until revealed, and revealing asks why.
  const parties = page.getByTestId("parties");
  assert.ok(!(await parties.innerText()).includes(PHONE), "the phone number is masked");
  await page.getByRole("button", { name: "查看完整信息" }).click();
  const reveal = page.getByRole("dialog", { name: "查看完整信息" });
  await reveal.getByLabel("查看原因").fill("回访前核对联系电话");
  await reveal.getByRole("button", { name: /确\s*定|OK/ }).click();
  await parties.getByText(PHONE).waitFor();
  await shot(page, "cases-02-detail-revealed");

  const step = async (button, fill, status) => {
    await page.getByRole("button", { name: label(button) }).click();
    const dialog = page.getByRole("dialog", { name: button });
    await dialog.waitFor();
    if (fill) await fill(dialog);
    await dialog.getByRole("button", { name: /确\s*认/ }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("case-status").getByText(status, { exact: true }).waitFor();
  };

  await step("受理", null, "已受理");
  await step("开始办理", null, "办理中");

  // Resolving without the required fields is refused next to the fields.
  await page.getByRole("button", { name: label("办结") }).click();
  const resolve = page.getByRole("dialog", { name: "办结" });
  await resolve.getByRole("button", { name: /确\s*认/ }).click();
  await resolve.locator(".ant-form-item-explain-error").first().waitFor();
  await resolve.getByRole("button", { name: /取\s*消/ }).click();

  // Record what was done, then resolve, follow up and archive.
  await page.getByRole("tab", { name: "办理记录" }).click();
  await page.locator("form#action").getByLabel("情况说明").fill("电话联系当事人，告知可申请人身安全保护令，已协助联系派出所出具告诫书。");
  await page.getByRole("button", { name: "记录办理情况" }).click();
  await page.getByText("已协助联系派出所出具告诫书").filter({ visible: true }).first().waitFor();

  await step(
    "办结",
    async (d) => {
      await d.getByLabel("办结方式").click();
      await page.getByTitle("诉讼/保护令/法律援助").click();
      await d.getByLabel("办理结果").fill("法院已签发人身安全保护令，当事人暂住娘家。");
    },
    "已办结",
  );
  await step(
    "回访",
    async (d) => {
      await d.getByLabel("满意度（1-5）").fill("5");
      await d.getByLabel("回访记录").fill("一个月后电话回访，对方未再施暴，当事人表示满意。");
    },
    "已回访",
  );
  await step("归档", null, "已归档");
  await page.getByRole("tab", { name: "办理经过" }).click();
  const timeline = await page.getByTestId("case-timeline").innerText();
  for (const s of ["已受理", "办理中", "已办结", "已回访", "已归档"]) assert.ok(timeline.includes(s), `timeline shows ${s}`);
  await shot(page, "cases-03-archived");

  // The work list finds it by the woman's name.
  await page.getByRole("menuitem", { name: "案件列表" }).click();
  await page.getByPlaceholder("编号、姓名或案情关键词").fill(VICTIM.slice(0, 2));
  await page.getByPlaceholder("编号、姓名或案情关键词").press("Enter");
  await page.getByRole("row", { name: new RegExp(number) }).waitFor();
  await shot(page, "cases-04-list");
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /导\s?出/ }).click()]);
  assert.match(file.suggestedFilename(), /^cases-.*\.xlsx$/);
  const { size } = await stat(await file.path());
  assert.ok(size > 1000, "the export is a real spreadsheet");
  summary.ok = true;
});
