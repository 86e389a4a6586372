/** Home: the user's region at a glance; each domain's card appears as its service answers. */
import { Card, Col, Row, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/AuthContext";
import { PageTitle } from "../common/PageTitle";

export default function DashboardPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  if (!me) return null;
  return (
    <>
      <PageTitle title={t("dashboard.welcome", { name: me.name })} />
      <Typography.Paragraph type="secondary">{t("dashboard.region", { org: me.org_unit.name })}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card title={t("dashboard.openCases")}>{t("dashboard.unavailable")}</Card>
        </Col>
      </Row>
    </>
  );
}
