// Query keys start with their domain, so a change anywhere in that domain (which invalidates ["cases"] and so on)
// refreshes these figures too.

/** Home: the user's region at a glance — open, urgent and overdue cases, this month's cases by category,
 * projects in progress and behind schedule, indicators off track; every figure clicks through to its list. */
import { useQuery } from "@tanstack/react-query";
import { Card, Col, Empty, List, Row, Statistic, Tag, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { casesApi, unwrap } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { countCases, OPEN_STATUSES } from "../cases/api";
import { Chart } from "../common/Chart";
import { ErrorAlert } from "../common/errors";
import { PageTitle } from "../common/PageTitle";
import { ZONE } from "../common/time";
import { earlyWarnings } from "../indicators/api";
import { countProjects } from "../projects/api";

const STATS_ROLES = ["admin", "leader", "statistician", "auditor", "case_worker"];

function Figure({
  title,
  to,
  value,
  loading,
  error,
  danger,
}: {
  title: string;
  to: string;
  value?: number;
  loading: boolean;
  error: unknown;
  danger?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Link to={to} aria-label={title} data-testid={`figure-${to}`}>
      <Card size="small" hoverable>
        {error ? (
          <Typography.Text type="secondary">{t("dashboard.unavailable")}</Typography.Text>
        ) : (
          <Statistic
            title={title}
            value={value ?? 0}
            loading={loading}
            styles={{ content: danger && value ? { color: "#cf1322" } : undefined }}
          />
        )}
      </Card>
    </Link>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 16, margin: "16px 0 8px" }}>
        {title}
      </Typography.Title>
      {children}
    </>
  );
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const navigate = useNavigate();
  const month = dayjs().tz(ZONE);
  const monthStart = month.startOf("month").format("YYYY-MM-DD");
  const casesOn = can("cases");
  const projectsOn = can("projects");
  const indicatorsOn = can("indicators");
  const statsOn = !!me?.roles.some((r) => STATS_ROLES.includes(r));

  const open = useQuery({
    queryKey: ["cases", "dash", "open"],
    queryFn: () => countCases({ status: OPEN_STATUSES }),
    enabled: casesOn,
  });
  const urgent = useQuery({
    queryKey: ["cases", "dash", "urgent"],
    queryFn: () => countCases({ status: OPEN_STATUSES, urgent: true }),
    enabled: casesOn,
  });
  const overdue = useQuery({
    queryKey: ["cases", "dash", "overdue"],
    queryFn: () => countCases({ overdue: true }),
    enabled: casesOn,
  });
  const stats = useQuery({
    queryKey: ["cases", "dash", "stats", month.format("YYYYMM")],
    queryFn: () => unwrap(casesApi.GET("/cases/stats", { params: { query: { period: month.format("YYYYMM") } } })),
    enabled: casesOn && statsOn,
  });
  const running = useQuery({
    queryKey: ["projects", "dash", "running"],
    queryFn: () => countProjects({ status: "in_progress" }),
    enabled: projectsOn,
  });
  const behind = useQuery({
    queryKey: ["projects", "dash", "behind"],
    queryFn: () => countProjects({ behind_schedule: true }),
    enabled: projectsOn,
  });
  const warnings = useQuery({
    queryKey: ["indicators", "dash", "warnings", month.year()],
    queryFn: () => earlyWarnings(String(month.year())),
    enabled: indicatorsOn,
  });
  const offTrack = (warnings.data?.rows ?? []).filter((r) => r.attainment === "off_track");

  if (!me) return null;
  const categories = Object.entries(stats.data?.by_category ?? {}).sort((a, b) => b[1] - a[1]);
  const openQuery = OPEN_STATUSES.map((s) => `status=${s}`).join("&");

  return (
    <>
      <PageTitle title={t("dashboard.welcome", { name: me.name })} />
      <Typography.Paragraph type="secondary">{t("dashboard.region", { org: me.org_unit.name })}</Typography.Paragraph>
      {casesOn && (
        <Section title={t("nav.cases")}>
          <Row gutter={[16, 16]}>
            <Col xs={24} sm={8}>
              <Figure
                title={t("dashboard.openCases")}
                to={`/cases?${openQuery}`}
                value={open.data}
                loading={open.isLoading}
                error={open.error}
              />
            </Col>
            <Col xs={12} sm={8}>
              <Figure
                title={t("dashboard.urgentCases")}
                to={`/cases?${openQuery}&urgent=true`}
                value={urgent.data}
                loading={urgent.isLoading}
                error={urgent.error}
                danger
              />
            </Col>
            <Col xs={12} sm={8}>
              <Figure
                title={t("dashboard.overdueCases")}
                to="/cases?overdue=true"
                value={overdue.data}
                loading={overdue.isLoading}
                error={overdue.error}
                danger
              />
            </Col>
            {statsOn && (
              <Col span={24}>
                <Card size="small" title={t("dashboard.casesByCategory")}>
                  {stats.error ? (
                    <ErrorAlert error={stats.error} />
                  ) : categories.length === 0 ? (
                    <Empty description={t("common.noData")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
                  ) : (
                    <Chart
                      label={t("dashboard.casesByCategory")}
                      height={260}
                      option={{
                        tooltip: { trigger: "axis" },
                        grid: { left: 40, right: 16, top: 16, bottom: 56 },
                        xAxis: {
                          type: "category",
                          data: categories.map(([c]) => t(`cases.category.${c}`, { defaultValue: c })),
                          axisLabel: { rotate: 20 },
                        },
                        yAxis: { type: "value", minInterval: 1 },
                        series: [
                          {
                            type: "bar",
                            barMaxWidth: 48,
                            data: categories.map(([, n]) => n),
                            itemStyle: { color: "#c0392b" },
                          },
                        ],
                      }}
                    />
                  )}
                  {categories.length > 0 && (
                    <div style={{ marginTop: 8 }}>
                      {categories.map(([c, n]) => (
                        <Tag
                          key={c}
                          style={{ cursor: "pointer" }}
                          onClick={() => navigate(`/cases?category=${c}&received_from=${monthStart}`)}
                        >
                          {t(`cases.category.${c}`, { defaultValue: c })} {n}
                        </Tag>
                      ))}
                    </div>
                  )}
                </Card>
              </Col>
            )}
          </Row>
        </Section>
      )}
      {projectsOn && (
        <Section title={t("nav.projects")}>
          <Row gutter={[16, 16]}>
            <Col xs={12} sm={8}>
              <Figure
                title={t("dashboard.projectsActive")}
                to="/projects?status=in_progress"
                value={running.data}
                loading={running.isLoading}
                error={running.error}
              />
            </Col>
            <Col xs={12} sm={8}>
              <Figure
                title={t("dashboard.projectsBehind")}
                to="/projects?behind_schedule=true"
                value={behind.data}
                loading={behind.isLoading}
                error={behind.error}
                danger
              />
            </Col>
          </Row>
        </Section>
      )}
      {indicatorsOn && (
        <Section title={t("dashboard.indicatorsOffTrack")}>
          <Card size="small">
            {warnings.error ? (
              <ErrorAlert error={warnings.error} />
            ) : (
              <List
                loading={warnings.isLoading}
                dataSource={offTrack.slice(0, 8)}
                locale={{ emptyText: t("common.noData") }}
                renderItem={(r) => (
                  <List.Item>
                    <Link
                      to={`/indicators/analytics?indicators=${r.indicator}&periods=${r.period}&orgs=${encodeURIComponent(r.org_path)}`}
                    >
                      {r.indicator} {r.name_zh}
                    </Link>
                    <span>
                      {r.value ?? "—"}
                      {r.unit_label} / {r.target ?? "—"} <Tag color="red">{t("indicators.attainment.off_track")}</Tag>
                    </span>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Section>
      )}
    </>
  );
}
