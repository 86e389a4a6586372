/** The side menu: only the entries the user's roles open. */
import {
  ApartmentOutlined,
  ApiOutlined,
  BarChartOutlined,
  DashboardOutlined,
  FileProtectOutlined,
  ProjectOutlined,
  SettingOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";
import { can, type Area } from "../auth/roles";

type Item = Required<MenuProps>["items"][number];

interface Entry {
  key: string;
  label: string;
  area: Area;
  icon?: React.ReactNode;
  children?: Entry[];
}

export function menuEntries(t: TFunction): Entry[] {
  return [
    { key: "/", label: t("nav.dashboard"), area: "dashboard", icon: <DashboardOutlined /> },
    {
      key: "cases",
      label: t("nav.cases"),
      area: "cases",
      icon: <FileProtectOutlined />,
      children: [
        { key: "/cases", label: t("nav.caseList"), area: "cases" },
        { key: "/cases/new", label: t("nav.caseIntake"), area: "caseIntake" },
      ],
    },
    {
      key: "projects",
      label: t("nav.projects"),
      area: "projects",
      icon: <ProjectOutlined />,
      children: [
        { key: "/projects", label: t("nav.projectList"), area: "projects" },
        { key: "/projects/new", label: t("nav.projectNew"), area: "projectEdit" },
      ],
    },
    {
      key: "indicators",
      label: t("nav.indicators"),
      area: "indicators",
      icon: <BarChartOutlined />,
      children: [
        { key: "/indicators", label: t("nav.indicatorCatalogue"), area: "indicators" },
        { key: "/indicators/entry", label: t("nav.dataEntry"), area: "dataEntry" },
        { key: "/indicators/analytics", label: t("nav.analytics"), area: "indicators" },
      ],
    },
    {
      key: "admin",
      label: t("nav.admin"),
      area: "users",
      icon: <SettingOutlined />,
      children: [
        { key: "/admin/org-units", label: t("nav.orgUnits"), area: "orgUnits", icon: <ApartmentOutlined /> },
        { key: "/admin/users", label: t("nav.users"), area: "users", icon: <TeamOutlined /> },
        { key: "/admin/clients", label: t("nav.clients"), area: "clients", icon: <ApiOutlined /> },
      ],
    },
  ];
}

/** The menu items `roles` may see; a group with no visible child disappears. */
export function menuItems(entries: Entry[], roles: readonly string[]): Item[] {
  const items: Item[] = [];
  for (const e of entries) {
    if (e.children) {
      const children = menuItems(e.children, roles);
      if (children.length > 0) items.push({ key: e.key, label: e.label, icon: e.icon, children });
    } else if (can(roles, e.area)) {
      items.push({ key: e.key, label: e.label, icon: e.icon });
    }
  }
  return items;
}

/** The menu key of a location: the longest entry path that prefixes it. */
export function selectedKey(entries: Entry[], pathname: string): string {
  const keys = entries.flatMap((e) => (e.children ? e.children.map((c) => c.key) : [e.key]));
  const match = keys
    .filter((k) => k === pathname || (k !== "/" && pathname.startsWith(k + "/")))
    .sort((a, b) => b.length - a.length)[0];
  return match ?? "/";
}
