/**
 * Shown over the page when the refresh token is dead: the page underneath (and any unsaved form) stays mounted,
 * and the requests that were waiting go on once the user has signed in again.
 */
import { Alert, Button, Form, Input, Modal } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { session } from "../api/session";
import { loginErrorMessage } from "./lockout";

export function ReloginModal({ username }: { username: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ password }: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await session.login(username, password);
    } catch (e) {
      setError(loginErrorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("auth.expiredTitle")}
      closable={false}
      mask={{ closable: false }}
      footer={null}
      keyboard={false}
    >
      <p>{t("auth.expiredHint")}</p>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" onFinish={submit} name="relogin">
        <Form.Item label={t("auth.username")}>
          <Input value={username} disabled />
        </Form.Item>
        <Form.Item
          label={t("auth.password")}
          name="password"
          rules={[{ required: true, message: t("auth.passwordRequired") }]}
        >
          <Input.Password autoFocus autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t("auth.relogin")}
        </Button>
        <Button type="link" block onClick={() => void session.logout()} style={{ marginTop: 8 }}>
          {t("auth.logout")}
        </Button>
      </Form>
    </Modal>
  );
}
