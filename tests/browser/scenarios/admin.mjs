// Admin screens of a district admin: org-unit tree (add, rename, move with no move left pending), users with field
// errors, partner clients with a one-time secret, and token refresh — silent on an expired access token, a sign-in
// overlay that keeps the form on a dead session.
import { BASE_URL, DEMO_PASSWORD, assert, loginOk, newPage, run, shot } from "../lib.mjs";

await run(async (browser, summary) => {
  const page = await newPage(browser);
  await loginOk(page, "th_admin", DEMO_PASSWORD);
  assert.equal(await page.getByTestId("header-org").innerText(), "天河区");

  // Org units: open the tree down to 天河区, add a community under 五山街道, rename it.
  await page.getByRole("menuitem", { name: "组织机构" }).click();
  await page.getByRole("heading", { name: "组织机构" }).waitFor();
  for (const name of ["广东省（44）", "广州市（4401）", "天河区（440106）"]) {
    const node = page.locator(".ant-tree-treenode", { hasText: name }).first();
    await node.locator(".ant-tree-switcher").click();
  }
  await page.getByText("五山街道（440106001）").click();
  await page.getByRole("button", { name: "添加下级单位" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("代码").fill("440106001999");
  await dialog.getByLabel("名称").fill("华工社区居委会");
  await dialog.getByRole("button", { name: /保\s*存/ }).click();
  await page.getByText("已添加单位").waitFor();
  // the page expands 五山街道 itself once the new unit is loaded (clicking its switcher as well raced with that)
  await page.getByText("华工社区居委会（440106001999）").click();
  await page.getByLabel("重命名").fill("华南理工社区居委会");
  await page.getByRole("button", { name: /保\s*存/ }).click();
  await page.getByText("华南理工社区居委会（440106001999）").waitFor();
  await shot(page, "admin-01-org-units");

  // A unit outside her region is refused with the server's words.
  await page.getByText("广州市（4401）").click();
  await page.getByRole("button", { name: "添加下级单位" }).click();
  await dialog.getByLabel("代码").fill("440199");
  await dialog.getByLabel("名称").fill("测试区");
  await dialog.getByRole("button", { name: /保\s*存/ }).click();
  await dialog.getByText("您没有权限执行此操作。").waitFor();
  await dialog.getByText("You can add units only inside your own region.").waitFor();
  await dialog.getByRole("button", { name: /取\s*消/ }).click();

  // Move the community to 员村街道: the services apply it in the background; with all of them up no pending alert stays.
  await page.getByText("华南理工社区居委会（440106001999）").click();
  await page.getByRole("button", { name: "移动到" }).click();
  await dialog.getByLabel("新的上级单位").click();
  // a click on the switcher while the popup still slides in is lost: wait until it has
  const picker = page.locator(".ant-tree-select-dropdown:not([class*='-appear']):not([class*='-enter'])");
  await picker.locator(".ant-select-tree-treenode", { hasText: "天河区（440106）" }).locator(".ant-select-tree-switcher").click();
  await picker.getByTitle("员村街道（440106002）").click();
  const movesAsked = page.waitForResponse((r) => r.url().includes("/api/org-units/moves?"));
  await dialog.getByRole("button", { name: /确\s*定|OK/ }).click();
  await page.getByText(/^已移动。.*正在同步新的归属/).waitFor();
  await page.getByText("/44/4401/440106/440106002/440106001999/").waitFor();
  await movesAsked;
  await page.getByTestId("pending-moves").waitFor({ state: "detached", timeout: 40_000 });

  // Users: a weak password comes back as a field error next to the field; a good one creates the user.
  await page.getByRole("menuitem", { name: "用户与角色" }).click();
  await page.getByRole("button", { name: "新建用户" }).click();
  const drawer = page.getByRole("dialog").filter({ hasText: "新建用户" });
  await drawer.getByLabel("用户名").fill("th_volunteer");
  await drawer.getByLabel("姓名").fill("林小燕");
  await drawer.getByLabel("初始密码").fill("short");
  await drawer.getByLabel("角色").click();
  await page.getByTitle("维权专干").click();
  await page.keyboard.press("Escape");
  await drawer.getByRole("button", { name: /保\s*存/ }).click();
  const passwordItem = drawer.locator(".ant-form-item", { has: page.getByLabel("初始密码") });
  await passwordItem.locator(".ant-form-item-explain-error").getByText(/at least 10 characters/).waitFor();
  await shot(page, "admin-02-user-field-error");
  await drawer.getByLabel("初始密码").fill("Hz-2026-volunteer");
  await drawer.getByRole("button", { name: /保\s*存/ }).click();
  await page.getByText("用户已创建").waitFor();
  await page.getByRole("row", { name: /th_volunteer/ }).waitFor();

  // An expired access token is refreshed without the user noticing: the gateway really answers 401 once.
  let broken = 0;
  await page.route("**/api/users?**", async (route) => {
    if (broken++ === 0) {
      await route.continue({ headers: { ...route.request().headers(), authorization: "Bearer expired.token.value" } });
    } else await route.continue();
  });
  let refreshes = 0;
  page.on("request", (r) => {
    if (r.url().endsWith("/api/auth/refresh")) refreshes++;
  });
  await page.getByPlaceholder("姓名或用户名").fill("林小燕");
  await page.getByPlaceholder("姓名或用户名").press("Enter");
  await page.getByRole("row", { name: /th_volunteer/ }).waitFor();
  assert.equal(refreshes, 1, "one refresh for the 401");
  assert.ok(broken >= 2, "the request was retried");
  await page.unroute("**/api/users?**");
  await page.getByPlaceholder("姓名或用户名").fill("");
  await page.getByPlaceholder("姓名或用户名").press("Enter");

  // A dead session: the form stays filled, a sign-in overlay appears, and the save goes through afterwards.
  await page.getByRole("button", { name: "新建用户" }).click();
  await drawer.getByLabel("用户名").fill("th_liaison");
  await drawer.getByLabel("姓名").fill("邓丽萍");
  await drawer.getByLabel("初始密码").fill("Hz-2026-liaison");
  await drawer.getByLabel("角色").click();
  await page.getByTitle("统计员").click();
  await page.keyboard.press("Escape");
  await page.evaluate(async () => {
    const refresh = sessionStorage.getItem("halfsky.refresh");
    await fetch("/api/auth/logout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    });
  });
  await page.route("**/api/users", (route) =>
    route.continue({ headers: { ...route.request().headers(), authorization: "Bearer expired.token.value" } }),
  );
  await drawer.getByRole("button", { name: /保\s*存/ }).click();
  const overlay = page.getByRole("dialog", { name: "登录已过期" });
  await overlay.waitFor();
  await page.unroute("**/api/users");
  await shot(page, "admin-03-session-expired");
  assert.equal(await drawer.getByLabel("姓名").inputValue(), "邓丽萍", "the unsaved form is still there");
  await overlay.getByLabel("密码").fill(DEMO_PASSWORD);
  await overlay.getByRole("button", { name: "重新登录" }).click();
  await page.getByText("用户已创建").waitFor();
  await overlay.waitFor({ state: "detached" });
  await page.getByRole("row", { name: /th_liaison/ }).waitFor();

  // Partner clients: register the district police; the secret is shown once.
  await page.getByRole("menuitem", { name: "合作单位接入" }).click();
  await page.getByRole("button", { name: "登记合作单位" }).click();
  const modal = page.getByRole("dialog");
  await modal.getByLabel("名称").fill("天河区公安分局");
  await modal.getByRole("button", { name: /保\s*存/ }).click();
  const secret = await page.getByTestId("client-secret").innerText();
  assert.ok(secret.length >= 20, "a real secret is shown");
  await shot(page, "admin-04-client-secret");
  await page.getByRole("button", { name: /确\s*定|OK/ }).click();
  await page.getByRole("row", { name: /天河区公安分局/ }).waitFor();
  summary.ok = true;
  summary.base = BASE_URL;
});
