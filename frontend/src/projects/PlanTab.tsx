/** The plan: targets per measure and period, actuals against them as a chart and a table, and new targets. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Empty, Form, Input, InputNumber, Progress, Select, Table, Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { components } from "../api/gen/projects";
import { useAuth } from "../auth/AuthContext";
import { Chart } from "../common/Chart";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { addTarget, MEASURES, progress, projectKeys, type ProjectDetail } from "./api";

type Row = components["schemas"]["ProgressRow"];

export function PlanTab({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<components["schemas"]["TargetCreate"]>();
  const prog = useQuery({ queryKey: projectKeys.sub(p.id, "progress"), queryFn: () => progress(p.id) });
  const add = useMutation({
    mutationFn: (v: components["schemas"]["TargetCreate"]) => addTarget(p.id, v),
    onSuccess: () => {
      form.resetFields(["value", "period"]);
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "progress") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const rows = prog.data?.rows ?? [];
  const warnings = [...(prog.data?.warnings ?? []), ...(add.data?.warnings ?? [])];
  const measureName = (m: string) => t(`projects.measureName.${m}`, { defaultValue: m });
  const editable = can("projectEdit") && !["closed", "rejected"].includes(p.status);

  return (
    <>
      <ErrorAlert error={prog.error ?? add.error} form={form} />
      {warnings.map((w) => (
        <Alert
          key={`${w.code}${w.measure}${w.year}`}
          type="warning"
          showIcon
          title={w.message}
          style={{ marginBottom: 8 }}
        />
      ))}
      {rows.length === 0 ? (
        <Empty description={t("projects.noTargets")} />
      ) : (
        <>
          <Chart
            label={t("projects.chartTitle")}
            option={chartOption(rows, t("projects.target"), t("projects.actual"), measureName)}
          />
          <Table<Row>
            rowKey="target_id"
            size="small"
            pagination={false}
            dataSource={rows}
            scroll={{ x: 700 }}
            columns={[
              { title: t("projects.measure"), render: (_, r) => r.label || measureName(r.measure) },
              { title: t("projects.periodCode"), dataIndex: "period" },
              { title: t("projects.target"), dataIndex: "target" },
              { title: t("projects.actual"), dataIndex: "actual" },
              { title: t("projects.expected"), dataIndex: "expected_by_now" },
              {
                title: t("projects.completion"),
                render: (_, r) => (
                  <>
                    <Progress
                      percent={Math.round(r.completion_pct ?? 0)}
                      size="small"
                      status={r.behind_schedule ? "exception" : undefined}
                      style={{ width: 140 }}
                    />
                    {r.behind_schedule && <Tag color="orange">{t("projects.behind")}</Tag>}
                  </>
                ),
              },
            ]}
          />
        </>
      )}
      {editable && (
        <Form
          form={form}
          name="target"
          layout="inline"
          onFinish={(v) => add.mutate(v)}
          style={{ marginTop: 16, rowGap: 8 }}
        >
          <Form.Item label={t("projects.measure")} name="measure" rules={[{ required: true }]}>
            <Select
              showSearch={{ optionFilterProp: "label" }}
              style={{ width: 180 }}
              options={MEASURES.map((m) => ({ value: m, label: measureName(m) }))}
            />
          </Form.Item>
          <Form.Item
            label={t("projects.periodCode")}
            name="period"
            rules={[{ required: true, pattern: /^\d{4}(Q[1-4]|H[12]|\d{2})?$/ }]}
          >
            <Input style={{ width: 110 }} placeholder="2026Q1" />
          </Form.Item>
          <Form.Item label={t("projects.target")} name="value" rules={[{ required: true }]}>
            <InputNumber min={0} />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t("projects.addTarget")}
          </Button>
        </Form>
      )}
    </>
  );
}

/** Bars of target and actual per period, one series pair per measure. */
function chartOption(rows: Row[], targetName: string, actualName: string, measureName: (m: string) => string) {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const measures = [...new Set(rows.map((r) => r.measure))];
  const value = (m: string, period: string, key: "target" | "actual") =>
    rows.find((r) => r.measure === m && r.period === period)?.[key] ?? null;
  return {
    tooltip: { trigger: "axis" as const },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category" as const, data: periods },
    yAxis: { type: "value" as const },
    series: measures.flatMap((m) => [
      {
        name: `${measureName(m)} · ${targetName}`,
        type: "bar" as const,
        data: periods.map((p) => value(m, p, "target")),
        itemStyle: { opacity: 0.45 },
      },
      {
        name: `${measureName(m)} · ${actualName}`,
        type: "bar" as const,
        data: periods.map((p) => value(m, p, "actual")),
      },
    ]),
  };
}
