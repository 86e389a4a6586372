/** One case: its state and deadlines, parties (masked until revealed), the allowed next steps, and its records. */
import { EyeOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Steps,
  Tag,
  Typography,
  type FormInstance,
} from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { PageTitle } from "../common/PageTitle";
import { formatDateTime } from "../common/time";
import {
  assign,
  caseKeys,
  getCase,
  MAIN_LINE,
  RESOLUTIONS,
  REVEAL_REASON_MIN,
  RISK_COLOURS,
  transition,
  TRANSITIONS,
  type CaseDetail,
  type Status,
  type TransitionIn,
} from "./api";
import { CaseTabs } from "./CaseTabs";

export default function CaseDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const one = useQuery({ queryKey: caseKeys.one(id), queryFn: () => getCase(id) });
  const [revealed, setRevealed] = useState<CaseDetail | null>(null);

  if (one.isLoading) return <Spin size="large" style={{ display: "block", margin: "80px auto" }} />;
  if (one.error || !one.data) {
    return (
      <>
        <ErrorAlert error={one.error} onRetry={() => void one.refetch()} />
        <Result status="warning" title={t("cases.number")} />
      </>
    );
  }
  const c = one.data;
  const shown = revealed && revealed.version === c.version ? revealed : c;

  return (
    <>
      <PageTitle
        title={
          <Space wrap>
            <span data-testid="case-number">{c.number}</span>
            <Tag data-testid="case-status" color="processing">
              {t(`cases.status.${c.status}`)}
            </Tag>
            <Tag color={RISK_COLOURS[c.risk_level]}>{t(`cases.risk.${c.risk_level}`)}</Tag>
            {c.urgent && <Tag color="red">{t("cases.urgent")}</Tag>}
            {c.overdue && <Tag color="volcano">{t("cases.overdue")}</Tag>}
          </Space>
        }
        extra={can("caseHandle") && <NextSteps c={c} />}
      />
      <Card size="small" style={{ marginBottom: 16, overflowX: "auto" }}>
        <Steps
          size="small"
          current={Math.max(0, MAIN_LINE.indexOf(c.status === "declined" ? "accepted" : c.status))}
          status={c.status === "declined" ? "error" : undefined}
          items={MAIN_LINE.map((s) => ({
            title: t(`cases.status.${c.status === "declined" && s === "accepted" ? "declined" : s}`),
          }))}
        />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={c.summary}>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label={t("cases.channelLabel")}>{t(`cases.channel.${c.channel}`)}</Descriptions.Item>
              <Descriptions.Item label={t("cases.categoryLabel")}>
                {[c.primary_category, ...c.secondary_categories].map((x) => t(`cases.category.${x}`)).join("、")}
              </Descriptions.Item>
              <Descriptions.Item label={t("cases.receivedAt")}>{formatDateTime(c.received_at)}</Descriptions.Item>
              <Descriptions.Item label={t("cases.acceptDue")}>{formatDateTime(c.accept_due_at)}</Descriptions.Item>
              <Descriptions.Item label={t("cases.resolveDue")}>{formatDateTime(c.resolve_due_at)}</Descriptions.Item>
              <Descriptions.Item label={t("cases.handler")}>{c.handler_name || <AssignToMe c={c} />}</Descriptions.Item>
              {c.outcome && <Descriptions.Item label={t("cases.outcome")}>{c.outcome}</Descriptions.Item>}
              {c.resolution_type && (
                <Descriptions.Item label={t("cases.resolutionType")}>
                  {t(`cases.resolution.${c.resolution_type}`)}
                </Descriptions.Item>
              )}
              {c.decline_reason && <Descriptions.Item label={t("cases.reason")}>{c.decline_reason}</Descriptions.Item>}
            </Descriptions>
            {c.description && (
              <Typography.Paragraph style={{ whiteSpace: "pre-wrap", marginTop: 8 }}>
                {c.description}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Parties c={shown} revealed={shown !== c} onRevealed={setRevealed} />
        </Col>
      </Row>
      <CaseTabs c={c} />
    </>
  );
}

function AssignToMe({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => assign(c, { handler_id: me!.id, handler_name: me!.name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.one(c.id) }),
  });
  if (!can("caseHandle") || !me) return <>—</>;
  return (
    <Button size="small" loading={mutation.isPending} onClick={() => mutation.mutate()}>
      {t("cases.assignToMe")}
    </Button>
  );
}

function Parties({
  c,
  revealed,
  onRevealed,
}: {
  c: CaseDetail;
  revealed: boolean;
  onRevealed: (c: CaseDetail) => void;
}) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [asking, setAsking] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const reveal = useMutation({
    mutationFn: (reason: string) => getCase(c.id, { reason }),
    onSuccess: (full) => {
      onRevealed(full);
      setAsking(false);
    },
  });
  const mayReveal = me?.roles.some((r) => ["admin", "leader", "case_worker"].includes(r));
  return (
    <Card
      size="small"
      title={t("cases.parties")}
      extra={
        mayReveal &&
        !revealed && (
          <Button size="small" icon={<EyeOutlined />} onClick={() => setAsking(true)}>
            {t("cases.reveal")}
          </Button>
        )
      }
    >
      {revealed && <Typography.Paragraph type="warning">{t("cases.revealed")}</Typography.Paragraph>}
      <div data-testid="parties">
        {[
          { person: c.victim, role: "victim", relationship: "" },
          ...c.parties.filter((p) => p.person.id !== c.victim.id),
        ].map((p) => (
          <Descriptions
            key={p.person.id}
            size="small"
            column={1}
            style={{ marginBottom: 12 }}
            title={`${t(`cases.partyRole.${p.role}`, { defaultValue: p.role })}${p.relationship ? ` · ${t(`cases.relationshipKind.${p.relationship}`, { defaultValue: p.relationship })}` : ""}`}
          >
            <Descriptions.Item label={t("cases.name")}>{p.person.name}</Descriptions.Item>
            {p.person.phone && <Descriptions.Item label={t("cases.phone")}>{p.person.phone}</Descriptions.Item>}
            {p.person.id_number && (
              <Descriptions.Item label={t(`cases.idTypes.${p.person.id_type}`)}>{p.person.id_number}</Descriptions.Item>
            )}
            {p.person.address && <Descriptions.Item label={t("cases.address")}>{p.person.address}</Descriptions.Item>}
            {p.person.age != null && <Descriptions.Item label={t("cases.age")}>{p.person.age}</Descriptions.Item>}
          </Descriptions>
        ))}
      </div>
      <Modal
        open={asking}
        title={t("cases.reveal")}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
        confirmLoading={reveal.isPending}
      >
        <ErrorAlert error={reveal.error} form={form} />
        <RevealReasonForm form={form} onReason={(reason) => reveal.mutate(reason)} />
      </Modal>
    </Card>
  );
}

/** Why she needs the full values: written to the access log; the service refuses fewer than REVEAL_REASON_MIN characters. */
export function RevealReasonForm({
  form,
  onReason,
}: {
  form: FormInstance<{ reason: string }>;
  onReason: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const rules = [
    { required: true, whitespace: true, max: 200 },
    // Trimmed as the service trims it, so "  核实 " is refused here rather than by the server.
    {
      min: REVEAL_REASON_MIN,
      transform: (v?: string) => (v ?? "").trim(),
      message: t("cases.revealReasonMin", { count: REVEAL_REASON_MIN }),
    },
  ];
  return (
    <Form form={form} name="reveal" layout="vertical" onFinish={(v) => onReason(v.reason.trim())}>
      <Form.Item label={t("cases.revealReason")} name="reason" rules={rules}>
        <Input maxLength={200} />
      </Form.Item>
    </Form>
  );
}

/** The buttons for the steps the workflow table allows from here; each asks for what its step needs. */
function NextSteps({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<Status | null>(null);
  const next = TRANSITIONS[c.status];
  const label = (s: Status) =>
    s === "in_progress" && c.status !== "accepted" ? t("cases.to.reopen") : t(`cases.to.${s}`);
  return (
    <Space wrap>
      {next.map((s) => (
        <Button
          key={s}
          type={s === "declined" || label(s) === t("cases.to.reopen") ? "default" : "primary"}
          danger={s === "declined"}
          onClick={() => setTarget(s)}
        >
          {label(s)}
        </Button>
      ))}
      {target && <TransitionModal c={c} target={target} title={label(target)} onClose={() => setTarget(null)} />}
    </Space>
  );
}

function TransitionModal({
  c,
  target,
  title,
  onClose,
}: {
  c: CaseDetail;
  target: Status;
  title: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<TransitionIn>();
  const mutation = useMutation({
    mutationFn: (v: TransitionIn) => transition(c, { ...v, to: target }),
    onSuccess: (updated) => {
      queryClient.setQueryData(caseKeys.one(c.id), updated);
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      void message.success(t("cases.stepDone", { step: title }));
      onClose();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const reopen = target === "in_progress" && c.status !== "accepted";
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={mutation.isPending}
      okText={t("common.confirm")}
    >
      <ErrorAlert error={mutation.error} form={form} />
      <Form form={form} name="transition" layout="vertical" onFinish={(v) => mutation.mutate(v)}>
        {(target === "declined" || reopen) && (
          <Form.Item label={t("cases.reason")} name="reason" rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        )}
        {target === "resolved" && (
          <>
            <Form.Item label={t("cases.resolutionType")} name="resolution_type" rules={[{ required: true }]}>
              <Select options={RESOLUTIONS.map((r) => ({ value: r, label: t(`cases.resolution.${r}`) }))} />
            </Form.Item>
            <Form.Item label={t("cases.outcome")} name="outcome" rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {target === "followed_up" && (
          <>
            <Form.Item label={t("cases.satisfaction")} name="satisfaction" rules={[{ required: true }]}>
              <InputNumber min={1} max={5} />
            </Form.Item>
            <Form.Item label={t("cases.followUpNotes")} name="notes" rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {!["declined", "resolved", "followed_up"].includes(target) && !reopen && (
          <Form.Item label={t("cases.note")} name="notes">
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
