/** Data entry: one data set × org unit × period as a grid; save, submit (上报), and approve or return (审核). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { components } from "../api/gen/indicators";
import { asApiError, type FieldError } from "../api/problem";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { OrgUnitPicker } from "../common/OrgUnitPicker";
import { PageTitle } from "../common/PageTitle";
import { formatDate, formatDateTime } from "../common/time";
import {
  approveForm,
  getForm,
  indicatorKeys,
  listDataSets,
  listReports,
  returnForm,
  saveForm,
  submitForm,
  type Form as ReportForm,
} from "./api";

type Violation = components["schemas"]["Violation"];
type Entry = { value: string | number | null; comment: string };

export default function DataEntryPage() {
  const { t, i18n } = useTranslation();
  const { me, can } = useAuth();
  const [params, setParams] = useSearchParams();
  const dataSet = params.get("data_set") ?? undefined;
  const org = params.get("org") ?? undefined;
  const period = params.get("period") ?? undefined;
  const [pick] = Form.useForm<{ data_set: string; org: string; period: string }>();
  const dataSets = useQuery({ queryKey: indicatorKeys.dataSets, queryFn: listDataSets });
  const awaiting = useQuery({
    queryKey: indicatorKeys.reports({ status: "submitted" }),
    queryFn: () => listReports({ status: "submitted" }),
    enabled: can("reportApprove"),
  });
  const en = i18n.language === "en";

  if (!me) return null;
  return (
    <>
      <PageTitle title={t("indicators.dataEntry")} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form
          form={pick}
          name="pickForm"
          layout="inline"
          style={{ rowGap: 8 }}
          initialValues={{ data_set: dataSet, org: org ?? me.org_unit.path, period }}
          onFinish={(v) => setParams({ data_set: v.data_set, org: v.org, period: v.period.trim() })}
        >
          <Form.Item label={t("indicators.dataSet")} name="data_set" rules={[{ required: true }]}>
            <Select
              style={{ width: 220 }}
              loading={dataSets.isLoading}
              options={(dataSets.data?.items ?? []).map((d) => ({
                value: d.code,
                label: en && d.name_en ? d.name_en : d.name_zh,
              }))}
            />
          </Form.Item>
          <Form.Item label={t("indicators.orgUnit")} name="org" rules={[{ required: true }]} style={{ minWidth: 260 }}>
            <OrgUnitPicker rootId={me.org_unit.id} by="path" />
          </Form.Item>
          <Form.Item
            label={t("indicators.period")}
            name="period"
            rules={[{ required: true, pattern: /^\d{4}(Q[1-4]|H[12]|\d{2})?$/ }]}
            tooltip={t("indicators.periodHint")}
          >
            <Input style={{ width: 110 }} placeholder="2026Q4" />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t("indicators.open")}
          </Button>
        </Form>
      </Card>
      {can("reportApprove") && (awaiting.data?.items.length ?? 0) > 0 && (
        <Card size="small" title={t("indicators.awaiting")} style={{ marginBottom: 16 }}>
          <Space wrap>
            {awaiting.data!.items.map((r) => (
              <Button
                key={`${r.data_set}${r.org_path}${r.period}`}
                size="small"
                onClick={() => setParams({ data_set: r.data_set, org: r.org_path, period: r.period })}
              >
                {r.data_set} · {r.org_path} · {r.period}
              </Button>
            ))}
          </Space>
        </Card>
      )}
      {dataSet && org && period ? (
        <ReportGrid key={`${dataSet}${org}${period}`} dataSet={dataSet} org={org} period={period} />
      ) : (
        <Typography.Text type="secondary">{t("indicators.pickForm")}</Typography.Text>
      )}
    </>
  );
}

function ReportGrid({ dataSet, org, period }: { dataSet: string; org: string; period: string }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = indicatorKeys.form(dataSet, org, period);
  const form = useQuery({ queryKey: key, queryFn: () => getForm(dataSet, org, period) });
  const [entries, setEntries] = useState<Record<string, Entry>>({});
  const [warnings, setWarnings] = useState<Violation[]>([]);
  const [returning, setReturning] = useState<"return" | "reopen" | null>(null);

  // The grid starts from each version of the form the server sends (first load, and the refetch after a save or a
  // transition): adjusted while rendering rather than in an effect, so no render shows the previous version's values.
  const [shown, setShown] = useState<ReportForm | undefined>(undefined);
  if (form.data !== shown) {
    setShown(form.data);
    if (form.data) {
      setEntries(
        Object.fromEntries(
          form.data.values.map((v) => [v.element, { value: plain(v.value), comment: v.comment ?? "" }]),
        ),
      );
    }
  }

  const done = (text: string) => (result: { report?: unknown; warnings?: Violation[] } | ReportForm) => {
    if ("warnings" in result && result.warnings) setWarnings(result.warnings);
    void message.success(text);
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: ["indicators", "reports"] });
  };
  const save = useMutation({
    mutationFn: (f: ReportForm) =>
      // In the form's own order, so the server's `values.N` errors point at row N of the grid.
      saveForm(
        f,
        f.values.map((v) => {
          const e = entries[v.element] ?? { value: null, comment: "" };
          return { element: v.element, value: e.value === "" ? null : e.value, comment: e.comment };
        }),
      ),
    onSuccess: done(t("indicators.saved")),
  });
  const [submitting, setSubmitting] = useState(false);
  const [submitForm_] = Form.useForm<{ comment?: string }>();
  const submit = useMutation({
    mutationFn: ({ f, comment }: { f: ReportForm; comment: string }) => submitForm(f, comment),
    onSuccess: (r) => {
      setSubmitting(false);
      done(t("indicators.submitted"))(r);
    },
    // Unusual values (e.g. a jump on the previous period) need a comment: the messages land on that field.
    onError: (e) => applyFieldErrors(submitForm_, e),
  });
  const approve = useMutation({
    mutationFn: (f: ReportForm) => approveForm(f),
    onSuccess: done(t("indicators.approved")),
  });
  const sendBack = useMutation({
    mutationFn: ({ f, reason }: { f: ReportForm; reason: string }) => returnForm(f, reason, returning ?? "return"),
    onSuccess: (r) => {
      setReturning(null);
      done(t("indicators.returned"))(r);
    },
  });
  const error = form.error ?? save.error ?? approve.error;
  const fieldErrors: FieldError[] = error ? asApiError(error).fieldErrors : [];
  const f = form.data;
  if (!f) return <ErrorAlert error={form.error} onRetry={() => void form.refetch()} />;
  const editable = can("valueEdit") && (f.status === "draft" || f.status === "returned") && !f.locked;
  const errorFor = (element: string, index: number) =>
    fieldErrors
      .filter((e) => e.field.includes(element) || e.field === `values.${index}.value` || e.field === `values.${index}`)
      .map((e) => e.message);
  const en = i18n.language === "en";

  return (
    <Card
      size="small"
      title={
        <Space wrap>
          <span>
            {f.data_set} · {f.org_path} · {f.period}（{formatDate(f.period_start)} ~ {formatDate(f.period_end)}）
          </span>
          <Tag
            data-testid="report-status"
            color={f.status === "approved" ? "green" : f.status === "returned" ? "red" : "blue"}
          >
            {t(`indicators.status.${f.status}`)}
          </Tag>
          {f.due && (
            <Tag>
              {t("indicators.due")} {formatDate(f.due)}
            </Tag>
          )}
        </Space>
      }
      extra={
        <Space wrap>
          {editable && (
            <Button onClick={() => save.mutate(f)} loading={save.isPending}>
              {t("indicators.save")}
            </Button>
          )}
          {editable && f.id && (
            <Button type="primary" onClick={() => setSubmitting(true)}>
              {t("indicators.submit")}
            </Button>
          )}
          {can("reportApprove") && f.status === "submitted" && (
            <>
              <Button type="primary" onClick={() => approve.mutate(f)} loading={approve.isPending}>
                {t("indicators.approve")}
              </Button>
              <Button danger onClick={() => setReturning("return")}>
                {t("indicators.return")}
              </Button>
            </>
          )}
          {can("reportApprove") && f.status === "approved" && (
            <Button onClick={() => setReturning("reopen")}>{t("indicators.reopen")}</Button>
          )}
        </Space>
      }
    >
      <ErrorAlert error={error} fieldsShownElsewhere />
      {f.locked && <Alert type="success" showIcon title={t("indicators.locked")} style={{ marginBottom: 12 }} />}
      {f.return_reason && f.status === "returned" && (
        <Alert
          type="warning"
          showIcon
          title={`${t("indicators.returned")}：${f.return_reason}`}
          style={{ marginBottom: 12 }}
        />
      )}
      {warnings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t("indicators.warnings")}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {warnings.map((w) => (
                <li key={w.rule + w.org_path}>{w.message}</li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      <Table
        rowKey="element"
        size="small"
        pagination={false}
        dataSource={f.values}
        scroll={{ x: 640 }}
        columns={[
          { title: t("indicators.elements"), render: (_, v) => (en && v.name_en ? v.name_en : v.name_zh) },
          { title: t("indicators.unit"), dataIndex: "unit_label", width: 80 },
          {
            title: t("indicators.value"),
            width: 200,
            render: (_, v, index) => {
              const errors = errorFor(v.element, index);
              return (
                <>
                  <InputNumber
                    aria-label={en && v.name_en ? v.name_en : v.name_zh}
                    disabled={!editable}
                    status={errors.length ? "error" : undefined}
                    value={entries[v.element]?.value ?? null}
                    stringMode
                    min={v.value_type === "percentage" ? "0" : undefined}
                    precision={v.value_type === "integer" || v.value_type === "money_fen" ? 0 : undefined}
                    onChange={(value) =>
                      setEntries((all) => ({ ...all, [v.element]: { ...all[v.element], value: value ?? null } }))
                    }
                    style={{ width: "100%" }}
                  />
                  {errors.map((m) => (
                    <div key={m} role="alert" style={{ color: "#cf1322", fontSize: 12 }}>
                      {m}
                    </div>
                  ))}
                </>
              );
            },
          },
          {
            title: t("indicators.comment"),
            render: (_, v) => (
              <Input
                aria-label={`${v.name_zh} ${t("indicators.comment")}`}
                disabled={!editable}
                value={entries[v.element]?.comment ?? ""}
                onChange={(e) =>
                  setEntries((all) => ({ ...all, [v.element]: { ...all[v.element], comment: e.target.value } }))
                }
              />
            ),
          },
          {
            title: "",
            render: (_, v) => (v.entered_by ? `${v.entered_by} ${formatDateTime(v.entered_at)}` : ""),
            responsive: ["lg"],
          },
        ]}
      />
      <Modal
        open={submitting}
        title={t("indicators.submit")}
        onCancel={() => setSubmitting(false)}
        onOk={() => submitForm_.submit()}
        confirmLoading={submit.isPending}
        okText={t("indicators.submit")}
      >
        <ErrorAlert error={submit.error} form={submitForm_} />
        <Form
          form={submitForm_}
          name="submitReport"
          layout="vertical"
          onFinish={(v) => submit.mutate({ f, comment: v.comment ?? "" })}
        >
          <Form.Item label={t("indicators.submitComment")} name="comment">
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
      <ReasonModal
        open={!!returning}
        title={returning === "reopen" ? t("indicators.reopen") : t("indicators.return")}
        error={sendBack.error}
        busy={sendBack.isPending}
        onCancel={() => setReturning(null)}
        onOk={(reason) => sendBack.mutate({ f, reason })}
      />
    </Card>
  );
}

/** "120.000000" → "120": the service stores decimals; people read the number. */
function plain(value: string | null | undefined): string | null {
  if (value == null) return null;
  return value.includes(".") ? value.replace(/\.?0+$/, "") : value;
}

function ReasonModal(props: {
  open: boolean;
  title: string;
  error: unknown;
  busy: boolean;
  onCancel: () => void;
  onOk: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal
      open={props.open}
      title={props.title}
      onCancel={props.onCancel}
      onOk={() => form.submit()}
      confirmLoading={props.busy}
    >
      <ErrorAlert error={props.error} form={form} />
      <Form form={form} name="reportReason" layout="vertical" onFinish={(v) => props.onOk(v.reason)}>
        <Form.Item label={t("indicators.reason")} name="reason" rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
