// Shared helpers of the browser scenarios: Debian's chromium through playwright-core, sign-in, screenshots.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(root, "frontend", "package.json"));
const { chromium } = require("playwright-core");

export const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8000";
export const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? "";
export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? "Demo-2026-halfsky";
const ARTIFACTS = process.env.ARTIFACTS ?? path.join(root, "tests", "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

export { assert };

const pages = [];
const scenarioName = path.basename(process.argv[1] ?? "scenario", ".mjs");

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh context (its own storage) and page; chart animations off for stable screenshots. */
export async function newPage(browser, { phone = false, lang = "zh-CN" } = {}) {
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1366, height: 900 },
    isMobile: phone,
    hasTouch: phone,
    locale: lang,
    timezoneId: "Asia/Shanghai",
  });
  await context.addInitScript((l) => {
    window.__HALFSKY_NO_ANIMATION__ = true;
    localStorage.setItem("halfsky.lang", l);
  }, lang);
  const page = await context.newPage();
  // The machine is shared and the whole system runs beside the browser: allow for slow answers.
  page.setDefaultTimeout(60_000);
  pages.push(page);
  page.on("pageerror", (e) => console.error("pageerror:", e.message));
  page.on("console", (m) => {
    if (m.type() === "error") console.error("console:", m.text());
  });
  return page;
}

export async function shot(page, name) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export async function login(page, username, password) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
}

export async function loginOk(page, username, password) {
  await login(page, username, password);
  await page.getByTestId("header-user").waitFor();
}

/** Run a scenario's body, print a JSON summary as the last line, exit non-zero on failure. */
export async function run(body) {
  const browser = await launch();
  const summary = {};
  try {
    await body(browser, summary);
    console.log(JSON.stringify(summary));
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
    for (const [i, p] of pages.entries()) {
      await p
        .screenshot({ path: path.join(ARTIFACTS, `FAILED-${scenarioName}-${i}.png`), fullPage: true })
        .catch(() => undefined);
    }
  } finally {
    await browser.close();
  }
}

/** A button's accessible name as antd renders it: two-character Chinese labels get a space ("受 理"). */
export function label(text) {
  return new RegExp(`^${[...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s?")}$`);
}

export async function signOut(page) {
  await page.getByTestId("header-user").click();
  await page.getByRole("menuitem", { name: "退出登录" }).click();
  await page.waitForURL(/\/login$/);
}
