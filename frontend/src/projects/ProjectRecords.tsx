/** A project's budget, activities, beneficiaries and reviews. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, DatePicker, Form, Input, InputNumber, Progress, Select, Space, Statistic, Table } from "antd";
import type { Dayjs } from "dayjs";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import type { components } from "../api/gen/projects";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { formatDateTime } from "../common/time";
import * as api from "./api";
import { fenToYuan, projectKeys, yuanToFen, type ProjectDetail } from "./api";

type S = components["schemas"];

export function Budget({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const key = useRef(crypto.randomUUID());
  const [form] = Form.useForm<{ source: S["FundingSource"]; item: string; amount: string; note?: string }>();
  const q = useQuery({ queryKey: projectKeys.sub(p.id, "budget"), queryFn: () => api.budget(p.id) });
  const add = useMutation({
    mutationFn: (v: { source: S["FundingSource"]; item: string; amount: string; note?: string }) =>
      api.addBudgetLine(
        p.id,
        { source: v.source, item: v.item, amount_fen: yuanToFen(v.amount), note: v.note ?? "" },
        key.current,
      ),
    onSuccess: () => {
      key.current = crypto.randomUUID();
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "budget") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const b = q.data;
  return (
    <>
      <ErrorAlert error={q.error ?? add.error} form={form} />
      {b && (
        <>
          <Space size="large" wrap style={{ marginBottom: 12 }}>
            <Statistic title={t("projects.budgetTotal")} value={fenToYuan(b.budget_fen)} suffix="元" />
            <Statistic title={t("projects.spent")} value={fenToYuan(b.spent_fen)} suffix="元" />
            <div>
              <div style={{ color: "#666" }}>{t("projects.executionRate")}</div>
              <Progress
                type="circle"
                size={64}
                percent={b.execution_rate_pct ?? 0}
                format={() => (b.execution_rate_pct == null ? "—" : `${b.execution_rate_pct}%`)}
              />
            </div>
          </Space>
          {b.warnings.map((w) => (
            <Alert
              key={w.budget_line_id + w.code}
              type="warning"
              showIcon
              title={w.message}
              style={{ marginBottom: 8 }}
            />
          ))}
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={b.lines}
            scroll={{ x: 600 }}
            columns={[
              {
                title: t("projects.source"),
                dataIndex: "source",
                render: (s: string) => t(`projects.fundingSource.${s}`, { defaultValue: s }),
              },
              { title: t("projects.item"), dataIndex: "item" },
              { title: t("projects.budgetTotal"), dataIndex: "amount_fen", render: fenToYuan },
              { title: t("projects.spent"), dataIndex: "spent_fen", render: fenToYuan },
              { title: t("projects.remaining"), dataIndex: "remaining_fen", render: fenToYuan },
              {
                title: t("projects.executionRate"),
                dataIndex: "execution_rate_pct",
                render: (v: number | null) => (v == null ? "—" : `${v}%`),
              },
            ]}
          />
        </>
      )}
      {can("projectEdit") && (
        <Form
          form={form}
          name="budgetLine"
          layout="inline"
          onFinish={(v) => add.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item label={t("projects.source")} name="source" rules={[{ required: true }]}>
            <Select
              style={{ width: 140 }}
              options={api.SOURCES.map((s) => ({ value: s, label: t(`projects.fundingSource.${s}`) }))}
            />
          </Form.Item>
          <Form.Item label={t("projects.item")} name="item" rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            label={t("projects.amountYuan")}
            name="amount"
            rules={[{ required: true, pattern: /^\d+(\.\d{1,2})?$/ }]}
          >
            <Input inputMode="decimal" style={{ width: 120 }} />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t("projects.addLine")}
          </Button>
        </Form>
      )}
    </>
  );
}

export function Activities({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const key = useRef(crypto.randomUUID());
  type V = { kind: S["ActivityKind"]; title: string; held_on: Dayjs; participant_count?: number; place?: string };
  const [form] = Form.useForm<V>();
  const q = useQuery({ queryKey: projectKeys.sub(p.id, "activities"), queryFn: () => api.activities(p.id) });
  const add = useMutation({
    mutationFn: (v: V) => api.addActivity(p.id, { ...v, held_on: v.held_on.format("YYYY-MM-DD") }, key.current),
    onSuccess: () => {
      key.current = crypto.randomUUID();
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "activities") });
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "progress") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <>
      <ErrorAlert error={q.error ?? add.error} form={form} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: t("projects.heldOn"), dataIndex: "held_on" },
          {
            title: t("projects.activityKind"),
            dataIndex: "kind",
            render: (k: string) => t(`projects.activityKindName.${k}`, { defaultValue: k }),
          },
          { title: t("projects.title"), dataIndex: "title" },
          { title: t("projects.place"), dataIndex: "place" },
          { title: t("projects.participants"), dataIndex: "participant_count" },
        ]}
      />
      {can("projectEdit") && ["in_progress", "approved"].includes(p.status) && (
        <Form
          form={form}
          name="activity"
          layout="inline"
          initialValues={{ kind: "training" }}
          onFinish={(v) => add.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item label={t("projects.activityKind")} name="kind" rules={[{ required: true }]}>
            <Select
              style={{ width: 120 }}
              options={api.ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`projects.activityKindName.${k}`) }))}
            />
          </Form.Item>
          <Form.Item label={t("projects.title")} name="title" rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t("projects.heldOn")} name="held_on" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item label={t("projects.participants")} name="participant_count">
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item label={t("projects.place")} name="place">
            <Input maxLength={200} />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t("projects.addActivity")}
          </Button>
        </Form>
      )}
    </>
  );
}

export function Beneficiaries({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: projectKeys.sub(p.id, "beneficiaries"), queryFn: () => api.beneficiaries(p.id) });
  return (
    <>
      <ErrorAlert error={q.error} />
      <Table
        rowKey="id"
        size="small"
        pagination={{ pageSize: 20 }}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: t("projects.beneficiaryName"), dataIndex: "name" },
          { title: t("cases.phone"), dataIndex: "phone_masked" },
          { title: t("projects.targetGroup"), dataIndex: "target_group" },
          { title: t("projects.registeredOn"), dataIndex: "registered_on" },
        ]}
      />
    </>
  );
}

export function Reviews({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<S["ReviewCreate"]>();
  const q = useQuery({ queryKey: projectKeys.sub(p.id, "reviews"), queryFn: () => api.reviews(p.id) });
  const add = useMutation({
    mutationFn: (v: S["ReviewCreate"]) => api.addReview(p.id, v),
    onSuccess: () => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "reviews") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <>
      <ErrorAlert error={q.error ?? add.error} form={form} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data ?? []}
        columns={[
          { title: t("projects.score"), dataIndex: "score" },
          { title: t("projects.opinion"), dataIndex: "opinion" },
          {
            title: t("projects.recommendation"),
            dataIndex: "recommendation",
            render: (r: string) => t(`projects.recommendationKind.${r}`, { defaultValue: r }),
          },
          { title: "", render: (_, r) => `${r.reviewer_name} · ${formatDateTime(r.created_at)}` },
        ]}
      />
      {can("projectApprove") && (
        <Form
          form={form}
          name="review"
          layout="vertical"
          onFinish={(v) => add.mutate(v)}
          style={{ marginTop: 12, maxWidth: 600 }}
        >
          <Form.Item label={t("projects.score")} name="score" rules={[{ required: true }]}>
            <InputNumber min={0} max={100} />
          </Form.Item>
          <Form.Item label={t("projects.opinion")} name="opinion" rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item label={t("projects.recommendation")} name="recommendation" rules={[{ required: true }]}>
            <Select
              style={{ width: 200 }}
              options={(["approve", "revise", "reject"] as const).map((r) => ({
                value: r,
                label: t(`projects.recommendationKind.${r}`),
              }))}
            />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t("projects.addReview")}
          </Button>
        </Form>
      )}
    </>
  );
}
