/** Analytics: indicators × regions × periods from summed numerators and denominators, as a table, a trend line
 * and bars by region, each with the target line; CSV export. The choice lives in the address bar. */
import { DownloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Checkbox, Col, Empty, Form, Row, Select, Space, Table, Tag } from "antd";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { saveBlob } from "../cases/api";
import { Chart } from "../common/Chart";
import { toCsv } from "../common/csv";
import { ErrorAlert } from "../common/errors";
import { OrgUnitPicker } from "../common/OrgUnitPicker";
import { PageTitle } from "../common/PageTitle";
import { useUnitNames } from "../common/useUnitNames";
import { analytics, ATTAINMENT_COLOURS, indicatorKeys, listIndicators, type AnalyticsRow } from "./api";

function periodSuggestions(): string[] {
  const year = dayjs().year();
  return [String(year - 1), String(year), ...[1, 2, 3, 4].map((q) => `${year}Q${q}`), `${year}H1`, `${year}H2`];
}

export default function AnalyticsPage() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const en = i18n.language === "en";
  const query = {
    indicators: params.get("indicators") ?? "",
    periods: params.get("periods") ?? String(dayjs().year()),
    orgs: params.get("orgs") ?? me?.org_unit.path ?? "",
    level: params.get("level") ?? undefined,
    approved_only: params.get("approved_only") === "true",
  };
  const catalogue = useQuery({ queryKey: indicatorKeys.catalogue(), queryFn: () => listIndicators() });
  const result = useQuery({
    queryKey: indicatorKeys.analytics(query),
    queryFn: () => analytics({ ...query, level: query.level || undefined }),
    enabled: !!query.indicators && !!query.periods,
  });
  const names = useUnitNames((result.data?.rows ?? []).map((r) => r.org_code));
  const rows = (result.data?.rows ?? []).map((r) => ({
    ...r,
    org_name: r.org_name ?? names[r.org_code] ?? r.org_code,
  }));
  const name = (r: AnalyticsRow) => r.name_zh;
  const place = (r: AnalyticsRow) => r.org_name ?? r.org_code;

  const exportCsv = () =>
    saveBlob(
      new Blob(
        [
          toCsv(
            [
              t("indicators.code"),
              t("indicators.name"),
              t("indicators.regions"),
              t("indicators.period"),
              t("indicators.value"),
              t("indicators.numerator"),
              t("indicators.denominator"),
              t("indicators.target"),
              t("indicators.attainmentLabel"),
            ],
            rows.map((r) => [
              r.indicator,
              name(r),
              place(r),
              r.period,
              r.value,
              r.numerator,
              r.denominator,
              r.target,
              t(`indicators.attainment.${r.attainment}`),
            ]),
          ),
        ],
        { type: "text/csv;charset=utf-8" },
      ),
      `indicators-${query.periods}.csv`,
    );

  if (!me) return null;
  return (
    <>
      <PageTitle
        title={t("indicators.analytics")}
        extra={
          <Button icon={<DownloadOutlined />} disabled={!rows.length} onClick={exportCsv}>
            {t("common.export")}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form
          name="analytics"
          layout="vertical"
          initialValues={{
            indicators: query.indicators ? query.indicators.split(",") : [],
            periods: query.periods.split(","),
            orgs: query.orgs,
            level: query.level,
            approved_only: query.approved_only,
          }}
          onFinish={(v: {
            indicators: string[];
            periods: string[];
            orgs: string;
            level?: string;
            approved_only?: boolean;
          }) => {
            const next = new URLSearchParams({
              indicators: v.indicators.join(","),
              periods: v.periods.join(","),
              orgs: v.orgs,
            });
            if (v.level) next.set("level", v.level);
            if (v.approved_only) next.set("approved_only", "true");
            setParams(next);
          }}
        >
          <Row gutter={12}>
            <Col xs={24} md={10}>
              <Form.Item
                label={t("indicators.indicatorsLabel")}
                name="indicators"
                rules={[{ required: true, type: "array", min: 1 }]}
              >
                <Select
                  mode="multiple"
                  showSearch={{ optionFilterProp: "label" }}
                  loading={catalogue.isLoading}
                  options={(catalogue.data?.items ?? []).map((i) => ({
                    value: i.code,
                    label: `${i.code} ${en && i.name_en ? i.name_en : i.name_zh}`,
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={7}>
              <Form.Item label={t("indicators.regions")} name="orgs" rules={[{ required: true }]}>
                <OrgUnitPicker rootId={me.org_unit.id} by="path" />
              </Form.Item>
            </Col>
            <Col xs={24} md={7}>
              <Form.Item
                label={t("indicators.periods")}
                name="periods"
                rules={[{ required: true, type: "array", min: 1 }]}
                tooltip={t("indicators.periodHint")}
              >
                <Select mode="tags" options={periodSuggestions().map((p) => ({ value: p, label: p }))} />
              </Form.Item>
            </Col>
          </Row>
          <Space wrap>
            <Form.Item label={t("indicators.groupBy")} name="level" style={{ marginBottom: 0 }}>
              <Select
                allowClear
                style={{ width: 160 }}
                options={["3", "4", "5"].map((l) => ({ value: l, label: t(`indicators.level.${l}`) }))}
              />
            </Form.Item>
            <Form.Item name="approved_only" valuePropName="checked" style={{ marginBottom: 0, marginTop: 30 }}>
              <Checkbox>{t("indicators.approvedOnly")}</Checkbox>
            </Form.Item>
            <Button type="primary" htmlType="submit" style={{ marginTop: 30 }}>
              {t("indicators.run")}
            </Button>
          </Space>
        </Form>
      </Card>
      <ErrorAlert error={result.error ?? catalogue.error} onRetry={() => void result.refetch()} />
      {result.isSuccess && rows.length === 0 && <Empty description={t("indicators.noRows")} />}
      {rows.length > 0 && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t("indicators.trend")}>
                <Chart label={t("indicators.trend")} option={trendOption(rows)} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t("indicators.byRegion")}>
                <Chart label={t("indicators.byRegion")} option={regionOption(rows)} />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t("indicators.table")} style={{ marginTop: 16 }}>
            <Table<AnalyticsRow>
              rowKey={(r) => `${r.indicator}${r.org_path}${r.period}`}
              size="small"
              dataSource={rows}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              scroll={{ x: 900 }}
              data-testid="analytics-table"
              columns={[
                { title: t("indicators.name"), render: (_, r) => `${r.indicator} ${name(r)}` },
                { title: t("indicators.regions"), render: (_, r) => place(r) },
                { title: t("indicators.period"), dataIndex: "period" },
                {
                  title: t("indicators.value"),
                  render: (_, r) => (r.value == null ? "—" : `${r.value}${r.unit_label ?? ""}`),
                },
                { title: t("indicators.numerator"), dataIndex: "numerator", render: (v) => v ?? "—" },
                { title: t("indicators.denominator"), dataIndex: "denominator", render: (v) => v ?? "—" },
                { title: t("indicators.target"), dataIndex: "target", render: (v) => v ?? "—" },
                { title: t("indicators.lastYear"), dataIndex: "last_year_value", render: (v) => v ?? "—" },
                {
                  title: t("indicators.attainmentLabel"),
                  dataIndex: "attainment",
                  render: (a: AnalyticsRow["attainment"]) => (
                    <Tag color={ATTAINMENT_COLOURS[a]}>{t(`indicators.attainment.${a}`)}</Tag>
                  ),
                },
              ]}
            />
          </Card>
        </>
      )}
    </>
  );
}

const num = (v: string | null | undefined) => (v == null ? null : Number(v));

/** A y axis tall enough for the values and the target lines (ECharts does not stretch it for mark lines). */
function yAxisFor(rows: AnalyticsRow[]) {
  const top = Math.max(0, ...rows.flatMap((r) => [num(r.value) ?? 0, num(r.target) ?? 0]));
  return { type: "value" as const, max: top > 0 ? Math.ceil(top * 1.1) : undefined };
}

/** One line per indicator and region over the periods, with each indicator's target as a dashed line. */
function trendOption(rows: AnalyticsRow[]) {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const series = new Map<string, AnalyticsRow[]>();
  for (const r of rows)
    series.set(`${r.name_zh} · ${r.org_name ?? r.org_code}`, [
      ...(series.get(`${r.name_zh} · ${r.org_name ?? r.org_code}`) ?? []),
      r,
    ]);
  return {
    tooltip: { trigger: "axis" as const },
    legend: { top: 0, type: "scroll" as const },
    grid: { left: 56, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "category" as const, data: periods },
    yAxis: yAxisFor(rows),
    series: [...series].map(([name, list]) => {
      const target = num(list.find((r) => r.target != null)?.target);
      return {
        name,
        type: "line" as const,
        data: periods.map((p) => num(list.find((r) => r.period === p)?.value)),
        markLine:
          target == null
            ? undefined
            : { symbol: "none", lineStyle: { type: "dashed" as const }, data: [{ yAxis: target, name: "target" }] },
      };
    }),
  };
}

/** Bars per region in the latest period, one series per indicator, with the target line. */
function regionOption(rows: AnalyticsRow[]) {
  const latest = [...new Set(rows.map((r) => r.period))].sort().at(-1);
  const inPeriod = rows.filter((r) => r.period === latest);
  const places = [...new Set(inPeriod.map((r) => r.org_name ?? r.org_code))];
  const indicators = [...new Set(inPeriod.map((r) => r.indicator))];
  return {
    tooltip: { trigger: "axis" as const },
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: 56 },
    xAxis: { type: "category" as const, data: places, axisLabel: { rotate: places.length > 6 ? 30 : 0 } },
    yAxis: yAxisFor(inPeriod),
    series: indicators.map((code) => {
      const list = inPeriod.filter((r) => r.indicator === code);
      const target = num(list.find((r) => r.target != null)?.target);
      return {
        name: `${list[0]?.name_zh ?? code} (${latest})`,
        type: "bar" as const,
        data: places.map((p) => num(list.find((r) => (r.org_name ?? r.org_code) === p)?.value)),
        markLine:
          target == null
            ? undefined
            : { symbol: "none", lineStyle: { type: "dashed" as const }, data: [{ yAxis: target, name: "target" }] },
      };
    }),
  };
}
