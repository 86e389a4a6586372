/** Sign-in: username and password; a wrong password and the delay after failed attempts shown in words. */
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { LanguageSwitch } from "../layout/LanguageSwitch";
import { useAuth } from "./AuthContext";
import { loginErrorMessage } from "./lockout";

export default function LoginPage() {
  const { t } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? "/";

  if (me) return <Navigate to={from} replace />;

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      navigate(from, { replace: true });
    } catch (e) {
      setError(loginErrorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <Card className="login-card">
        <div style={{ textAlign: "right" }}>
          <LanguageSwitch />
        </div>
        <Typography.Title level={2} style={{ marginBottom: 0, color: "#c0392b" }}>
          {t("app.name")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t("auth.subtitle")}</Typography.Paragraph>
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form layout="vertical" name="login" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t("auth.username")}
            name="username"
            rules={[{ required: true, whitespace: true, message: t("auth.usernameRequired") }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t("auth.password")}
            name="password"
            rules={[{ required: true, message: t("auth.passwordRequired") }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t("auth.submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
