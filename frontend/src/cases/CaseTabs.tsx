/** A case's records: timeline, actions, referrals, attachments, supervision (督办) and transfers (转办/交办). */
import { UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  List,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Upload,
} from "antd";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import type { components } from "../api/gen/cases";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { OrgUnitPicker } from "../common/OrgUnitPicker";
import { formatDate, formatDateTime } from "../common/time";
import * as api from "./api";
import { caseKeys, type CaseDetail } from "./api";

type S = components["schemas"];
const ACTION_KINDS: S["ActionKind"][] = [
  "note",
  "phone_call",
  "home_visit",
  "consultation",
  "mediation",
  "legal_aid_referral",
  "police_report",
  "protection_order_support",
  "shelter_placement",
  "counselling",
  "medical_help",
];
const SERVICES: S["Service"][] = [
  "legal_aid",
  "shelter",
  "police",
  "court",
  "medical",
  "injury_assessment",
  "counselling",
  "civil_affairs",
];

export function CaseTabs({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  return (
    <Card size="small" style={{ marginTop: 16 }}>
      <Tabs
        items={[
          { key: "timeline", label: t("cases.timeline"), children: <CaseTimeline id={c.id} /> },
          { key: "actions", label: t("cases.actions"), children: <Actions c={c} /> },
          { key: "referrals", label: t("cases.referrals"), children: <Referrals c={c} /> },
          { key: "attachments", label: t("cases.attachments"), children: <Attachments c={c} /> },
          { key: "supervision", label: t("cases.supervision"), children: <Supervision c={c} /> },
          { key: "transfers", label: t("cases.transfers"), children: <Transfers c={c} /> },
        ]}
      />
    </Card>
  );
}

function CaseTimeline({ id }: { id: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: caseKeys.sub(id, "timeline"), queryFn: () => api.timeline(id) });
  if (q.error) return <ErrorAlert error={q.error} />;
  return (
    <Timeline
      data-testid="case-timeline"
      items={(q.data ?? []).map((e) => ({
        key: e.id,
        children: (
          <>
            <strong>
              {e.to_status ? t(`cases.status.${e.to_status}`, { defaultValue: e.to_status }) : e.summary || e.kind}
            </strong>
            {e.to_status && e.summary ? ` · ${e.summary}` : ""}
            <div style={{ color: "#666", fontSize: 12 }}>
              {formatDateTime(e.at)} · {e.actor_name}
            </div>
          </>
        ),
      }))}
    />
  );
}

function Actions({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<S["ActionIn"]>();
  const q = useQuery({ queryKey: caseKeys.sub(c.id, "actions"), queryFn: () => api.actions(c.id) });
  const add = useMutation({
    mutationFn: (v: S["ActionIn"]) => api.addAction(c.id, v),
    onSuccess: () => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: caseKeys.one(c.id) });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const kind = Form.useWatch("kind", form);
  return (
    <>
      <ErrorAlert error={q.error ?? add.error} form={form} />
      <List
        dataSource={q.data ?? []}
        locale={{ emptyText: t("cases.none") }}
        renderItem={(a) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  <Tag>{t(`cases.actionKindName.${a.kind}`)}</Tag>
                  {a.result && <Tag color="blue">{t(`cases.mediation.${a.result}`)}</Tag>}
                </Space>
              }
              description={`${formatDateTime(a.occurred_at)} · ${a.actor_name}`}
            />
            {a.summary}
          </List.Item>
        )}
      />
      {can("caseHandle") && (
        <Form
          form={form}
          name="action"
          layout="vertical"
          onFinish={(v) => add.mutate(v)}
          initialValues={{ kind: "phone_call" }}
          style={{ maxWidth: 640 }}
        >
          <Space wrap align="start">
            <Form.Item label={t("cases.actionKind")} name="kind" rules={[{ required: true }]}>
              <Select
                style={{ width: 180 }}
                options={ACTION_KINDS.map((k) => ({ value: k, label: t(`cases.actionKindName.${k}`) }))}
              />
            </Form.Item>
            {kind === "mediation" && (
              <Form.Item label={t("cases.mediationResult")} name="result" rules={[{ required: true }]}>
                <Select
                  style={{ width: 140 }}
                  options={(["success", "partial", "failed"] as const).map((r) => ({
                    value: r,
                    label: t(`cases.mediation.${r}`),
                  }))}
                />
              </Form.Item>
            )}
          </Space>
          <Form.Item label={t("cases.actionSummary")} name="summary" rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Button htmlType="submit" type="primary" loading={add.isPending}>
            {t("cases.addAction")}
          </Button>
        </Form>
      )}
    </>
  );
}

function Referrals({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<S["ReferralIn"]>();
  const q = useQuery({ queryKey: caseKeys.sub(c.id, "referrals"), queryFn: () => api.referrals(c.id) });
  const partners = useQuery({ queryKey: ["cases", "partners"], queryFn: api.partners, enabled: can("caseHandle") });
  const refer = useMutation({
    mutationFn: (v: S["ReferralIn"]) => api.refer(c.id, v),
    onSuccess: () => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: caseKeys.sub(c.id, "referrals") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <>
      <ErrorAlert error={q.error ?? refer.error} form={form} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data ?? []}
        locale={{ emptyText: t("cases.none") }}
        columns={[
          { title: t("cases.partner"), dataIndex: "partner_name" },
          {
            title: t("cases.service"),
            dataIndex: "service",
            render: (s: string) => t(`cases.serviceName.${s}`, { defaultValue: s }),
          },
          {
            title: t("common.status"),
            dataIndex: "status",
            render: (s: string) => <Tag>{t(`cases.recordStatus.${s}`, { defaultValue: s })}</Tag>,
          },
          { title: t("cases.receivedAt"), dataIndex: "sent_at", render: formatDateTime },
          { title: t("cases.note"), dataIndex: "response_note" },
        ]}
      />
      {can("caseHandle") && (
        <Form
          form={form}
          name="referral"
          layout="inline"
          onFinish={(v) => refer.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item label={t("cases.partner")} name="partner_id" rules={[{ required: true }]}>
            <Select
              style={{ width: 220 }}
              loading={partners.isLoading}
              options={(partners.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
          <Form.Item label={t("cases.service")} name="service" rules={[{ required: true }]}>
            <Select
              style={{ width: 140 }}
              options={SERVICES.map((s) => ({ value: s, label: t(`cases.serviceName.${s}`) }))}
            />
          </Form.Item>
          <Form.Item label={t("cases.note")} name="note">
            <Input maxLength={500} />
          </Form.Item>
          <Button htmlType="submit" loading={refer.isPending}>
            {t("cases.refer")}
          </Button>
        </Form>
      )}
    </>
  );
}

function Attachments({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: caseKeys.sub(c.id, "attachments"), queryFn: () => api.attachments(c.id) });
  const upload = useMutation({
    mutationFn: (file: File) => api.uploadAttachment(c.id, file, file.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.sub(c.id, "attachments") }),
  });
  return (
    <>
      <ErrorAlert error={q.error ?? upload.error} />
      {can("caseHandle") && (
        <Upload showUploadList={false} customRequest={({ file }) => upload.mutate(file as File)}>
          <Button icon={<UploadOutlined />} loading={upload.isPending} style={{ marginBottom: 12 }}>
            {t("cases.upload")}
          </Button>
        </Upload>
      )}
      <List
        dataSource={q.data ?? []}
        locale={{ emptyText: t("cases.none") }}
        renderItem={(a) => (
          <List.Item
            actions={[
              <a
                key="dl"
                onClick={() =>
                  void api
                    .download(`/api/cases/${c.id}/attachments/${a.id}/content`, a.filename)
                    .catch((e: Error) => message.error(e.message))
                }
              >
                {t("cases.download")}
              </a>,
            ]}
          >
            {a.filename} · {(a.size_bytes / 1024).toFixed(1)} KB · {a.uploaded_by_name}
          </List.Item>
        )}
      />
    </>
  );
}

function Supervision({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ instruction: string; due_on: Dayjs }>();
  const q = useQuery({ queryKey: caseKeys.sub(c.id, "supervisions"), queryFn: () => api.supervisions(c.id) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: caseKeys.sub(c.id, "supervisions") });
  const create = useMutation({
    mutationFn: (v: { instruction: string; due_on: Dayjs }) =>
      api.supervise(c.id, { instruction: v.instruction, due_on: v.due_on.format("YYYY-MM-DD") }),
    onSuccess: () => {
      form.resetFields();
      void refresh();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const reply = useMutation({
    mutationFn: ({ s, text }: { s: S["SupervisionPublic"]; text: string }) => api.replySupervision(s, text),
    onSuccess: () => void refresh(),
  });
  const mayCreate = me?.roles.some((r) => ["admin", "leader", "case_worker"].includes(r));
  return (
    <>
      <ErrorAlert error={q.error ?? create.error ?? reply.error} form={form} />
      <List
        dataSource={q.data ?? []}
        locale={{ emptyText: t("cases.none") }}
        renderItem={(s) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  <Tag color={s.overdue ? "red" : "blue"}>
                    {t(`cases.recordStatus.${s.status}`, { defaultValue: s.status })}
                  </Tag>
                  {s.instruction}
                </Space>
              }
              description={`${t("cases.dueOn")} ${formatDate(s.due_on)} · ${s.created_by_name}${s.reply ? ` · ${t("cases.reply")}：${s.reply}` : ""}`}
            />
            {!s.reply && (
              <Input.Search
                aria-label={t("cases.replyAction")}
                placeholder={t("cases.reply")}
                enterButton={t("cases.replyAction")}
                style={{ maxWidth: 320 }}
                onSearch={(text) => text.trim() && reply.mutate({ s, text })}
              />
            )}
          </List.Item>
        )}
      />
      {mayCreate && (
        <Form
          form={form}
          name="supervise"
          layout="inline"
          onFinish={(v) => create.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item label={t("cases.instruction")} name="instruction" rules={[{ required: true, whitespace: true }]}>
            <Input style={{ width: 280 }} maxLength={1000} />
          </Form.Item>
          <Form.Item label={t("cases.dueOn")} name="due_on" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Button htmlType="submit" loading={create.isPending}>
            {t("cases.supervise")}
          </Button>
        </Form>
      )}
    </>
  );
}

function Transfers({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<S["TransferIn"]>();
  const q = useQuery({ queryKey: caseKeys.sub(c.id, "transfers"), queryFn: () => api.transfers(c.id) });
  const send = useMutation({
    mutationFn: (v: S["TransferIn"]) => api.requestTransfer(c.id, v),
    onSuccess: () => {
      form.resetFields();
      void message.success(t("cases.transferSent"));
      void queryClient.invalidateQueries({ queryKey: caseKeys.sub(c.id, "transfers") });
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const rows = q.data ?? [];
  return (
    <>
      <ErrorAlert error={q.error ?? send.error} form={form} />
      {rows.length === 0 ? (
        <Empty description={t("cases.none")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t("cases.transferTo"), dataIndex: "to_org_path" },
            {
              title: t("cases.transferReason"),
              dataIndex: "reason",
              render: (r: string, tr) => `${t(`cases.transferKind.${tr.kind}`, { defaultValue: tr.kind })}：${r}`,
            },
            {
              title: t("common.status"),
              dataIndex: "status",
              render: (s: string) => <Tag>{t(`cases.recordStatus.${s}`, { defaultValue: s })}</Tag>,
            },
            { title: t("cases.receivedAt"), dataIndex: "requested_at", render: formatDateTime },
          ]}
        />
      )}
      {can("caseHandle") && me && (
        <Form
          form={form}
          name="transfer"
          layout="inline"
          onFinish={(v) => send.mutate(v)}
          style={{ marginTop: 12, rowGap: 8 }}
        >
          <Form.Item
            label={t("cases.transferTo")}
            name="to_org_path"
            rules={[{ required: true }]}
            style={{ minWidth: 260 }}
          >
            <OrgUnitPicker rootId={me.org_unit.id} by="path" />
          </Form.Item>
          <Form.Item label={t("cases.transferReason")} name="reason" rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={500} />
          </Form.Item>
          <Button htmlType="submit" loading={send.isPending}>
            {t("cases.transfer")}
          </Button>
        </Form>
      )}
    </>
  );
}
