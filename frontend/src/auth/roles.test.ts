import i18n from "../i18n";
import { describe, expect, it } from "vitest";
import { menuEntries, menuItems, selectedKey } from "../layout/menu";
import { can } from "./roles";

const labels = (roles: string[]) => JSON.stringify(menuItems(menuEntries(i18n.t.bind(i18n)), roles));

describe("role-based menu", () => {
  it("shows a case worker cases but no administration, projects or indicators", () => {
    const menu = labels(["case_worker"]);
    expect(menu).toContain("/cases/new");
    expect(menu).not.toContain("/admin/");
    expect(menu).not.toContain("/projects");
    expect(menu).not.toContain("/indicators");
  });

  it("lets a hotline operator take cases in but not see projects", () => {
    expect(can(["hotline_operator"], "caseIntake")).toBe(true);
    expect(can(["hotline_operator"], "projects")).toBe(false);
  });

  it("gives admin everything, as require_roles does on the server", () => {
    const menu = labels(["admin"]);
    for (const key of [
      "/admin/org-units",
      "/admin/users",
      "/admin/clients",
      "/cases",
      "/projects/new",
      "/indicators/entry",
    ]) {
      expect(menu).toContain(`"${key}"`);
    }
  });

  it("lets an auditor read users but not manage clients or org units", () => {
    const menu = labels(["auditor"]);
    expect(menu).toContain("/admin/users");
    expect(menu).not.toContain("/admin/clients");
    expect(menu).not.toContain("/admin/org-units");
  });

  it("gives a user with several roles the union", () => {
    const menu = labels(["statistician", "project_manager"]);
    expect(menu).toContain("/indicators/entry");
    expect(menu).toContain("/projects/new");
    expect(menu).not.toContain("/cases");
  });

  it("selects the deepest matching entry", () => {
    const entries = menuEntries(i18n.t.bind(i18n));
    expect(selectedKey(entries, "/cases/new")).toBe("/cases/new");
    expect(selectedKey(entries, "/cases/1234")).toBe("/cases");
    expect(selectedKey(entries, "/")).toBe("/");
  });
});
