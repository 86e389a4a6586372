// Sign-in: the delay after repeated wrong passwords, an admin lifts it, header and role menu, language, sign-out.
import { ADMIN_PASSWORD, BASE_URL, DEMO_PASSWORD, assert, login, loginOk, newPage, run, shot } from "../lib.mjs";

await run(async (browser, summary) => {
  const page = await newPage(browser);

  // An unauthenticated visit lands on the sign-in screen.
  await page.goto(`${BASE_URL}/admin/users`);
  await page.waitForURL(/\/login$/);
  await page.getByRole("heading", { name: "半边天" }).waitFor();
  await shot(page, "auth-01-login");

  // Five wrong passwords from here delay the next try here, even with the right password; the message says how long.
  for (let i = 0; i < 5; i++) {
    await login(page, "lw_caseworker", "wrong-password-1");
    await page.getByTestId("login-error").waitFor();
  }
  assert.match(await page.getByTestId("login-error").innerText(), /用户名或密码错误/);
  await login(page, "lw_caseworker", DEMO_PASSWORD);
  await page.getByText(/秒后再试/).waitFor();
  const delayed = await page.getByTestId("login-error").innerText();
  assert.match(delayed, /登录失败次数过多，请 \d+ 秒后再试/, "the message says how long to wait");
  await shot(page, "auth-02-delayed");
  summary.lockout = delayed;

  // The administrator sees that sign-ins are being delayed and lifts the delay.
  await loginOk(page, "admin", ADMIN_PASSWORD);
  assert.equal(await page.getByTestId("header-user").innerText(), "系统管理员");
  assert.equal(await page.getByTestId("header-org").innerText(), "广东省");
  assert.match(await page.getByTestId("header-roles").innerText(), /系统管理员/);
  await page.getByRole("menuitem", { name: "用户与角色" }).click();
  await page.getByRole("heading", { name: "用户与角色" }).waitFor();
  await page.getByPlaceholder("姓名或用户名").fill("lw_caseworker");
  await page.getByPlaceholder("姓名或用户名").press("Enter");
  const row = page.getByRole("row", { name: /lw_caseworker/ });
  await row.getByText(/登录受限至/).waitFor();
  await shot(page, "auth-03-users-delayed");
  await row.getByRole("button", { name: "解锁" }).click();
  await page.getByText("已解锁").waitFor();
  await row.getByText(/登录受限至/).waitFor({ state: "detached" });

  // Sign out, then the unlocked case worker signs in and sees only her part of the menu.
  await page.getByTestId("header-user").click();
  await page.getByRole("menuitem", { name: "退出登录" }).click();
  await page.waitForURL(/\/login$/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("halfsky.refresh")), null);

  await loginOk(page, "lw_caseworker", DEMO_PASSWORD);
  assert.equal(await page.getByTestId("header-user").innerText(), "何美玲");
  const me = await page.evaluate(async () => {
    const r = await fetch("/api/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: "x".repeat(40) }),
    });
    return r.status;
  });
  assert.equal(me, 401, "a made-up refresh token is refused");
  const nav = await page.getByRole("navigation").innerText();
  assert.match(nav, /维权案件/);
  assert.doesNotMatch(nav, /系统管理|项目化管理|指标监测/);
  await shot(page, "auth-04-caseworker-home");

  // An admin page typed into the address bar is refused in words, not blank.
  await page.goto(`${BASE_URL}/admin/clients`);
  await page.getByText("您没有访问此页面的权限。").waitFor();

  // English is the second language.
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel("语言").click();
  await page.getByTitle("English").click();
  await page.getByRole("navigation").getByText("Rights cases").waitFor();
  await shot(page, "auth-05-english");

  // On a phone the menu folds into a drawer; sign-in works with the keyboard alone.
  const phone = await newPage(browser, { phone: true });
  await phone.goto(`${BASE_URL}/login`);
  await phone.getByLabel("用户名").focus();
  await phone.keyboard.type("th_caseworker");
  await phone.keyboard.press("Tab");
  await phone.keyboard.type(DEMO_PASSWORD);
  await phone.keyboard.press("Enter");
  await phone.getByTestId("header-user").waitFor();
  await phone.getByRole("button", { name: "menu" }).click();
  await phone.getByRole("menuitem", { name: "登记受理" }).waitFor();
  await shot(phone, "auth-06-phone-menu");
  summary.ok = true;
});
