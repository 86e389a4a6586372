/** One project: status and the actions open to this user, then plan, budget, activities, people and reviews. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Form, Input, Modal, Space, Spin, Tabs, Tag, Timeline } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { PageTitle } from "../common/PageTitle";
import { formatDateTime } from "../common/time";
import { events, getProject, NEEDS_REASON, projectKeys, takeAction, type ProjectDetail } from "./api";
import { Activities, Beneficiaries, Budget, Reviews } from "./ProjectRecords";
import { Evaluations, Expenditures, Supervision } from "./ProjectOversight";
import { PlanTab } from "./PlanTab";

export default function ProjectDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const one = useQuery({ queryKey: projectKeys.one(id), queryFn: () => getProject(id) });
  if (one.isLoading) return <Spin size="large" style={{ display: "block", margin: "80px auto" }} />;
  if (!one.data) return <ErrorAlert error={one.error} onRetry={() => void one.refetch()} />;
  const p = one.data;
  return (
    <>
      <PageTitle
        title={
          <Space wrap>
            <span>{p.name}</span>
            <Tag data-testid="project-status" color="processing">
              {t(`projects.status.${p.status}`, { defaultValue: p.status })}
            </Tag>
            {p.behind_schedule && <Tag color="orange">{t("projects.behind")}</Tag>}
            {p.is_brand && <Tag color="gold">{t("projects.brand")}</Tag>}
          </Space>
        }
        extra={<ProjectActions p={p} />}
      />
      <Card size="small">
        <Tabs
          items={[
            { key: "overview", label: t("projects.overview"), children: <Overview p={p} /> },
            { key: "plan", label: t("projects.plan"), children: <PlanTab p={p} /> },
            {
              key: "budget",
              label: t("projects.budget"),
              children: (
                <>
                  <Budget p={p} />
                  <Expenditures p={p} />
                </>
              ),
            },
            { key: "activities", label: t("projects.activities"), children: <Activities p={p} /> },
            { key: "beneficiaries", label: t("projects.beneficiaries"), children: <Beneficiaries p={p} /> },
            {
              key: "reviews",
              label: t("projects.reviews"),
              children: (
                <>
                  <Reviews p={p} />
                  <Evaluations p={p} />
                  <Supervision p={p} />
                </>
              ),
            },
            { key: "events", label: t("projects.events"), children: <Events p={p} /> },
          ]}
        />
      </Card>
    </>
  );
}

function Overview({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  return (
    <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
      <Descriptions.Item label={t("projects.code")}>{p.code}</Descriptions.Item>
      <Descriptions.Item label={t("projects.kindLabel")}>
        {t(`projects.kind.${p.kind}`, { defaultValue: p.kind })}
      </Descriptions.Item>
      <Descriptions.Item label={t("projects.categoryLabel")}>
        {t(`projects.category.${p.category}`, { defaultValue: p.category })}
      </Descriptions.Item>
      <Descriptions.Item label={t("projects.period")}>{`${p.start_date} ~ ${p.end_date}`}</Descriptions.Item>
      <Descriptions.Item label={t("projects.responsible")}>{p.responsible_person}</Descriptions.Item>
      <Descriptions.Item label={t("projects.leader")}>{p.supervising_leader}</Descriptions.Item>
      <Descriptions.Item label={t("projects.funder")}>{p.funder || "—"}</Descriptions.Item>
      <Descriptions.Item label={t("projects.targetBeneficiaries")}>{p.target_beneficiaries}</Descriptions.Item>
      <Descriptions.Item label={t("projects.overallGoal")} span={2}>
        {p.overall_goal}
      </Descriptions.Item>
      <Descriptions.Item label={t("projects.stageGoals")} span={2}>
        {p.stage_goals.length
          ? p.stage_goals.map((g) => `${g.title}${g.due_date ? `（${g.due_date}）` : ""}`).join("；")
          : "—"}
      </Descriptions.Item>
      {p.status_reason && (
        <Descriptions.Item label={t("projects.reason")} span={2}>
          {p.status_reason}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

/** The server says which actions this user may take now (allowed_actions); reasons are asked where needed. */
function ProjectActions({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const act = useMutation({
    mutationFn: ({ action, reason }: { action: string; reason?: string }) => takeAction(p, action, reason),
    onSuccess: (updated, { action }) => {
      queryClient.setQueryData(projectKeys.one(p.id), updated);
      void queryClient.invalidateQueries({ queryKey: projectKeys.all });
      void message.success(t("projects.actionDone", { action: t(`projects.action.${action}`) }));
      setAsking(null);
      form.resetFields();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Space wrap>
      {!asking && <ErrorAlert error={act.error} />}
      {p.allowed_actions.map((a) => (
        <Button
          key={a}
          type={["approve", "submit", "start", "close"].includes(a) ? "primary" : "default"}
          danger={a === "reject"}
          loading={act.isPending && act.variables?.action === a}
          onClick={() => (NEEDS_REASON.has(a) ? setAsking(a) : act.mutate({ action: a }))}
        >
          {t(`projects.action.${a}`, { defaultValue: a })}
        </Button>
      ))}
      <Modal
        open={!!asking}
        title={asking ? t(`projects.action.${asking}`) : ""}
        onCancel={() => setAsking(null)}
        onOk={() => form.submit()}
        confirmLoading={act.isPending}
      >
        <ErrorAlert error={act.error} form={form} />
        <Form
          form={form}
          name="projectAction"
          layout="vertical"
          onFinish={(v) => asking && act.mutate({ action: asking, reason: v.reason })}
        >
          <Form.Item label={t("projects.reason")} name="reason" rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

function Events({ p }: { p: ProjectDetail }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: projectKeys.sub(p.id, "events"), queryFn: () => events(p.id) });
  return (
    <>
      <ErrorAlert error={q.error} />
      <Timeline
        items={(q.data ?? []).map((e) => ({
          key: e.id,
          children: (
            <>
              <strong>{t(`projects.action.${e.action}`, { defaultValue: e.action })}</strong> →{" "}
              {t(`projects.status.${e.to_status}`, { defaultValue: e.to_status })}
              {e.reason ? ` · ${e.reason}` : ""}
              <div style={{ color: "#666", fontSize: 12 }}>
                {formatDateTime(e.at)} · {e.actor_name}
              </div>
            </>
          ),
        }))}
      />
    </>
  );
}
