/** A new project application (立项申报): goals, stage goals, people in charge, period and target groups. */
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space } from "antd";
import type { Dayjs } from "dayjs";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { PageTitle } from "../common/PageTitle";
import { CATEGORIES, createProject, KINDS, projectKeys, type ProjectCreate } from "./api";

interface Values extends Omit<ProjectCreate, "start_date" | "end_date" | "stage_goals"> {
  dates: [Dayjs, Dayjs];
  stage_goals?: { title: string; due_date?: Dayjs }[];
}

export default function ProjectFormPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const key = useRef(crypto.randomUUID());
  const create = useMutation({
    mutationFn: ({ dates, stage_goals, ...v }: Values) =>
      createProject(
        {
          ...v,
          start_date: dates[0].format("YYYY-MM-DD"),
          end_date: dates[1].format("YYYY-MM-DD"),
          stage_goals: (stage_goals ?? []).map((g) => ({
            title: g.title,
            due_date: g.due_date ? g.due_date.format("YYYY-MM-DD") : null,
          })),
        },
        key.current,
      ),
    onSuccess: (p) => {
      void message.success(t("projects.created"));
      void queryClient.invalidateQueries({ queryKey: projectKeys.all });
      navigate(`/projects/${p.id}`);
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e);
      for (const r of rest) {
        if (r.field === "start_date" || r.field === "end_date")
          form.setFields([{ name: "dates", errors: [r.message] }]);
      }
    },
  });
  return (
    <>
      <PageTitle title={t("projects.create")} />
      <ErrorAlert error={create.error} form={form} />
      <Form<Values>
        form={form}
        name="project"
        layout="vertical"
        scrollToFirstError
        onFinish={(v) => create.mutate(v)}
        initialValues={{ kind: "self_initiated", responsible_person: me?.name, target_groups: [] }}
      >
        <Card size="small" style={{ marginBottom: 16 }}>
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item
                label={t("projects.name")}
                name="name"
                rules={[{ required: true, whitespace: true, max: 200 }]}
              >
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item label={t("projects.kindLabel")} name="kind" rules={[{ required: true }]}>
                <Select options={KINDS.map((k) => ({ value: k, label: t(`projects.kind.${k}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item label={t("projects.categoryLabel")} name="category" rules={[{ required: true }]}>
                <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`projects.category.${c}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={t("projects.period")} name="dates" rules={[{ required: true }]}>
                <DatePicker.RangePicker style={{ width: "100%" }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                label={t("projects.responsible")}
                name="responsible_person"
                rules={[{ required: true, whitespace: true }]}
              >
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                label={t("projects.leader")}
                name="supervising_leader"
                rules={[{ required: true, whitespace: true }]}
              >
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                label={t("projects.overallGoal")}
                name="overall_goal"
                rules={[{ required: true, whitespace: true }]}
              >
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item label={t("projects.funder")} name="funder">
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item label={t("projects.targetBeneficiaries")} name="target_beneficiaries">
                <InputNumber min={0} style={{ width: "100%" }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item label={t("projects.targetGroups")} name="target_groups">
                <Select mode="tags" tokenSeparators={[",", "，", "、"]} />
              </Form.Item>
            </Col>
          </Row>
          <Form.List name="stage_goals">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap style={{ display: "flex" }}>
                    <Form.Item
                      name={[f.name, "title"]}
                      label={t("projects.stageGoal")}
                      rules={[{ required: true, whitespace: true }]}
                    >
                      <Input style={{ width: 320 }} maxLength={200} />
                    </Form.Item>
                    <Form.Item name={[f.name, "due_date"]} label={t("projects.dueDate")}>
                      <DatePicker />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t("common.delete")} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()}>
                  {t("projects.addStageGoal")}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Button type="primary" htmlType="submit" size="large" loading={create.isPending}>
          {t("common.save")}
        </Button>
      </Form>
    </>
  );
}
