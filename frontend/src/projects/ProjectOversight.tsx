/** Spending, evaluations (阶段/终期评估) and supervision visits (督导) of a project. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UploadOutlined } from "@ant-design/icons";
import { Button, DatePicker, Form, Input, Select, Table, Tag, Typography, Upload, type UploadFile } from "antd";
import type { Dayjs } from "dayjs";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { projectsApi, unwrap } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import * as api from "./api";
import { fenToYuan, projectKeys, type ProjectDetail } from "./api";

const path = (id: string) => ({ params: { path: { project_id: id } } });

export function Expenditures({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const key = useRef(crypto.randomUUID());
  type V = {
    budget_line_id: string;
    amount: string;
    payee: string;
    purpose?: string;
    spent_on: Dayjs;
    voucher: UploadFile[];
  };
  const [form] = Form.useForm<V>();
  const q = useQuery({
    queryKey: projectKeys.sub(p.id, "expenditures"),
    queryFn: () => unwrap(projectsApi.GET("/projects/{project_id}/expenditures", path(p.id))),
  });
  const budget = useQuery({ queryKey: projectKeys.sub(p.id, "budget"), queryFn: () => api.budget(p.id) });
  const add = useMutation({
    mutationFn: async (v: V) => {
      const voucher = await api.uploadAttachment(p.id, v.voucher[0].originFileObj as File);
      return api.addExpenditure(
        p.id,
        {
          budget_line_id: v.budget_line_id,
          amount_fen: api.yuanToFen(v.amount),
          payee: v.payee,
          purpose: v.purpose ?? "",
          spent_on: v.spent_on.format("YYYY-MM-DD"),
          voucher_id: voucher.id,
        },
        key.current,
      );
    },
    onSuccess: () => {
      key.current = crypto.randomUUID();
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "expenditures") });
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "budget") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <>
      <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>
        {t("projects.expenditures")}
      </Typography.Title>
      <ErrorAlert error={q.error ?? add.error} form={form} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data ?? []}
        columns={[
          { title: t("projects.heldOn"), dataIndex: "spent_on" },
          { title: t("projects.payee"), dataIndex: "payee" },
          { title: t("projects.purpose"), dataIndex: "purpose" },
          { title: t("projects.amountYuan"), dataIndex: "amount_fen", render: fenToYuan },
          { title: "", render: (_, e) => e.over_budget && <Tag color="red">{t("projects.overBudget")}</Tag> },
        ]}
      />
      {can("projectEdit") && (budget.data?.lines.length ?? 0) > 0 && (
        <Form
          form={form}
          name="expenditure"
          layout="inline"
          onFinish={(v) => add.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item label={t("projects.item")} name="budget_line_id" rules={[{ required: true }]}>
            <Select
              style={{ width: 200 }}
              options={(budget.data?.lines ?? []).map((l) => ({
                value: l.id,
                label: `${l.item}（${t(`projects.fundingSource.${l.source}`, { defaultValue: l.source })}）`,
              }))}
            />
          </Form.Item>
          <Form.Item
            label={t("projects.amountYuan")}
            name="amount"
            rules={[{ required: true, pattern: /^\d+(\.\d{1,2})?$/ }]}
          >
            <Input inputMode="decimal" style={{ width: 110 }} />
          </Form.Item>
          <Form.Item label={t("projects.payee")} name="payee" rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t("projects.purpose")} name="purpose">
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t("projects.heldOn")} name="spent_on" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item
            label={t("projects.voucher")}
            name="voucher"
            rules={[{ required: true }]}
            valuePropName="fileList"
            getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList}
          >
            <Upload beforeUpload={() => false} maxCount={1} accept="application/pdf,image/jpeg,image/png,image/webp">
              <Button icon={<UploadOutlined />}>{t("projects.voucher")}</Button>
            </Upload>
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t("projects.addExpenditure")}
          </Button>
        </Form>
      )}
    </>
  );
}

export function Evaluations({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: projectKeys.sub(p.id, "evaluations"),
    queryFn: () => unwrap(projectsApi.GET("/projects/{project_id}/evaluations", path(p.id))),
  });
  return (
    <>
      <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>
        {t("projects.evaluations")}
      </Typography.Title>
      <ErrorAlert error={q.error} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data ?? []}
        columns={[
          { title: t("projects.heldOn"), dataIndex: "conducted_on" },
          { title: t("projects.activityKind"), dataIndex: "kind" },
          { title: t("projects.evaluator"), dataIndex: "evaluator" },
          { title: t("projects.score"), dataIndex: "total_score", render: (v) => v ?? "—" },
          { title: t("projects.findings"), dataIndex: "findings" },
          { title: t("projects.recommendation"), dataIndex: "recommendations" },
        ]}
      />
    </>
  );
}

export function Supervision({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const key = useRef(crypto.randomUUID());
  type V = { visited_on: Dayjs; supervisors?: string; opinions: string };
  const [form] = Form.useForm<V>();
  const q = useQuery({
    queryKey: projectKeys.sub(p.id, "supervision"),
    queryFn: () => unwrap(projectsApi.GET("/projects/{project_id}/supervision", path(p.id))),
  });
  const add = useMutation({
    mutationFn: (v: V) =>
      unwrap(
        projectsApi.POST("/projects/{project_id}/supervision", {
          ...path(p.id),
          body: {
            visited_on: v.visited_on.format("YYYY-MM-DD"),
            supervisors: v.supervisors ?? "",
            opinions: v.opinions,
          },
          headers: { "Idempotency-Key": key.current },
        }),
      ),
    onSuccess: () => {
      key.current = crypto.randomUUID();
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: projectKeys.sub(p.id, "supervision") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <>
      <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>
        {t("projects.supervision")}
      </Typography.Title>
      <ErrorAlert error={q.error ?? add.error} form={form} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data ?? []}
        columns={[
          { title: t("projects.heldOn"), dataIndex: "visited_on" },
          { title: t("projects.supervisors"), dataIndex: "supervisors" },
          { title: t("projects.opinion"), dataIndex: "opinions" },
          { title: t("projects.rectifications"), render: (_, v) => v.rectifications.length },
        ]}
      />
      {can("projectApprove") && (
        <Form
          form={form}
          name="visit"
          layout="inline"
          onFinish={(v) => add.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item label={t("projects.heldOn")} name="visited_on" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item label={t("projects.supervisors")} name="supervisors">
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t("projects.opinion")} name="opinions" rules={[{ required: true, whitespace: true }]}>
            <Input style={{ width: 320 }} maxLength={2000} />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t("projects.addVisit")}
          </Button>
        </Form>
      )}
    </>
  );
}
