/** The frame around every screen: side menu by role, header with the user's name, org unit and roles. */
import { LogoutOutlined, MenuOutlined, UserOutlined } from "@ant-design/icons";
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Spin, Tag, Typography } from "antd";
import { Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { ErrorBoundary } from "../common/ErrorBoundary";
import { LanguageSwitch } from "./LanguageSwitch";
import { menuEntries, menuItems, selectedKey } from "./menu";

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [drawer, setDrawer] = useState(false);
  if (!me) return null;

  const entries = menuEntries(t);
  const items = menuItems(entries, me.roles);
  const selected = selectedKey(entries, location.pathname);
  const open = entries.filter((e) => e.children?.some((c) => c.key === selected)).map((e) => e.key);
  const phone = !screens.md;
  const menu = (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={[selected]}
      defaultOpenKeys={open.length ? open : entries.filter((e) => e.children).map((e) => e.key)}
      onClick={({ key }) => {
        navigate(key);
        setDrawer(false);
      }}
      aria-label="main"
      style={{ borderInlineEnd: 0 }}
    />
  );

  return (
    <Layout style={{ minHeight: "100vh" }}>
      {!phone && (
        <Sider width={220} theme="light" style={{ borderInlineEnd: "1px solid #f0f0f0" }}>
          <div className="brand">{t("app.name")}</div>
          <nav>{menu}</nav>
        </Sider>
      )}
      {phone && (
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={240} title={t("app.name")}>
          <nav>{menu}</nav>
        </Drawer>
      )}
      <Layout>
        <Header className="app-header">
          <Space>
            {phone && <Button type="text" icon={<MenuOutlined />} aria-label="menu" onClick={() => setDrawer(true)} />}
            <Typography.Text strong data-testid="header-org">
              {me.org_unit.name}
            </Typography.Text>
          </Space>
          <Space size="middle" wrap={false}>
            {!phone && (
              <span data-testid="header-roles">
                {me.roles.map((r) => (
                  <Tag key={r} color="volcano">
                    {t(`roles.${r}`)}
                  </Tag>
                ))}
              </span>
            )}
            <LanguageSwitch />
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [
                  { key: "org", label: `${t("header.org")}：${me.org_unit.name}`, disabled: true },
                  {
                    key: "roles",
                    label: `${t("header.roles")}：${me.roles.map((r) => t(`roles.${r}`)).join("、")}`,
                    disabled: true,
                  },
                  { type: "divider" },
                  { key: "logout", icon: <LogoutOutlined />, label: t("auth.logout") },
                ],
                onClick: ({ key }) => {
                  if (key === "logout") void logout().then(() => navigate("/login"));
                },
              }}
            >
              <Button type="text" icon={<UserOutlined />} data-testid="header-user">
                {me.name}
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content className="app-content">
          <ErrorBoundary resetKey={location.pathname}>
            <Suspense fallback={<Spin size="large" style={{ display: "block", margin: "80px auto" }} />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </Content>
      </Layout>
    </Layout>
  );
}
