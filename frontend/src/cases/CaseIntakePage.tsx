/** Intake (登记): channel, the woman concerned, respondents, category, description and the risk questionnaire. */
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Typography,
} from "antd";
import type { Dayjs } from "dayjs";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { PageTitle } from "../common/PageTitle";
import { CATEGORIES, CHANNELS, caseKeys, createCase, ID_TYPES, RISK_QUESTIONS, type CaseCreate } from "./api";

const RELATIONSHIPS = ["spouse", "ex_spouse", "partner", "parent", "child", "in_law", "employer", "other"] as const;
const MARITAL = ["", "unmarried", "married", "divorced", "widowed", "cohabiting", "separated"] as const;

interface Values {
  channel: CaseCreate["channel"];
  received_at?: Dayjs;
  source_agency?: string;
  primary_category: CaseCreate["primary_category"];
  secondary_categories?: CaseCreate["primary_category"][];
  summary: string;
  description?: string;
  victim: NonNullable<CaseCreate["victim"]>;
  complainant_kind: "victim" | "other" | "anonymous";
  respondents?: { name: string; relationship: (typeof RELATIONSHIPS)[number] }[];
  risk: Record<(typeof RISK_QUESTIONS)[number], boolean> & { notes?: string };
}

/** Blank optional strings become absent, so the API's validators see what the person typed and nothing else. */
function trimPerson<T extends Record<string, unknown>>(p: T): T {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== "" && v !== undefined && v !== null)) as T;
}

/** The victim as sent: a document type only with a number (the server defaults it to the resident ID). */
function toVictim(p: Values["victim"]): Values["victim"] {
  const victim = trimPerson(p);
  if (!victim.id_number) delete victim.id_type;
  return victim;
}

export function toCaseCreate(v: Values): CaseCreate {
  return {
    channel: v.channel,
    received_at: v.received_at ? v.received_at.toISOString() : null,
    source_agency: v.source_agency ?? "",
    primary_category: v.primary_category,
    secondary_categories: v.secondary_categories ?? [],
    summary: v.summary.trim(),
    description: v.description ?? "",
    victim: toVictim(v.victim),
    complainant: { kind: v.complainant_kind },
    respondents: (v.respondents ?? [])
      .filter((r) => r?.name)
      .map((r) => ({ person: { name: r.name }, relationship: r.relationship })),
    risk: { ...v.risk, notes: v.risk?.notes ?? "" },
  };
}

/** Full-width digits and letters from a Chinese input method shown as typed half-width (NFKC, as the server
 * normalises them too), so an 18-character number fits its field on a phone. */
const halfWidth = (value: string | undefined) => value?.normalize("NFKC");

export default function CaseIntakePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  // One key per form: a double click or a retry after a lost answer never makes a second case.
  const idempotencyKey = useRef(crypto.randomUUID());

  const create = useMutation({
    mutationFn: (v: Values) => createCase(toCaseCreate(v), idempotencyKey.current),
    onSuccess: (c) => {
      void message.success(t("cases.created", { number: c.number }));
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      navigate(`/cases/${c.id}`);
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  const channel = Form.useWatch("channel", form);

  return (
    <>
      <PageTitle title={t("cases.intake")} />
      <ErrorAlert error={create.error} form={form} />
      <Form<Values>
        form={form}
        name="intake"
        layout="vertical"
        scrollToFirstError
        onFinish={(v) => create.mutate(v)}
        initialValues={{
          channel: "hotline",
          complainant_kind: "victim",
          victim: { sex: "female", marital_status: "", id_type: "resident_id" },
          risk: {},
        }}
      >
        <Row gutter={16}>
          <Col xs={24} lg={14}>
            <Card size="small" title={t("cases.summary")} style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item label={t("cases.channelLabel")} name="channel" rules={[{ required: true }]}>
                    <Select options={CHANNELS.map((c) => ({ value: c, label: t(`cases.channel.${c}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item label={t("cases.receivedAtLabel")} name="received_at">
                    <DatePicker showTime style={{ width: "100%" }} />
                  </Form.Item>
                </Col>
              </Row>
              {(channel === "partner_referral" || channel === "petition") && (
                <Form.Item
                  label={t("cases.sourceAgency")}
                  name="source_agency"
                  rules={[{ required: true, whitespace: true }]}
                >
                  <Input maxLength={100} />
                </Form.Item>
              )}
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item label={t("cases.categoryLabel")} name="primary_category" rules={[{ required: true }]}>
                    <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`cases.category.${c}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item label={t("cases.secondaryCategories")} name="secondary_categories">
                    <Select
                      mode="multiple"
                      options={CATEGORIES.map((c) => ({ value: c, label: t(`cases.category.${c}`) }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item
                label={t("cases.summary")}
                name="summary"
                rules={[{ required: true, whitespace: true, max: 200 }]}
              >
                <Input maxLength={200} showCount />
              </Form.Item>
              <Form.Item label={t("cases.description")} name="description">
                <Input.TextArea rows={4} maxLength={5000} />
              </Form.Item>
            </Card>
            <Card size="small" title={t("cases.victimSection")} style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item
                    label={t("cases.name")}
                    name={["victim", "name"]}
                    rules={[{ required: true, whitespace: true }]}
                  >
                    <Input maxLength={50} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  {/* No pattern here: full-width digits (１３９…) and +86/0086 are fine; the server normalises and checks. */}
                  <Form.Item label={t("cases.phone")} name={["victim", "phone"]} normalize={halfWidth}>
                    <Input inputMode="tel" maxLength={30} />
                  </Form.Item>
                </Col>
                {/* A whole row: an 18-character number (often typed full-width) must stay readable beside its type. */}
                <Col span={24}>
                  <Form.Item label={t("cases.idNumber")} required={false}>
                    <Space.Compact style={{ width: "100%" }}>
                      <Form.Item name={["victim", "id_type"]} noStyle>
                        <Select
                          aria-label={t("cases.idType")}
                          style={{ width: "40%", maxWidth: 220 }}
                          popupMatchSelectWidth={false}
                          options={ID_TYPES.map((k) => ({ value: k, label: t(`cases.idTypes.${k}`) }))}
                        />
                      </Form.Item>
                      {/* Each document has its own format, checked by the server (full-width input accepted). */}
                      <Form.Item name={["victim", "id_number"]} noStyle normalize={halfWidth}>
                        <Input maxLength={30} autoComplete="off" aria-label={t("cases.idNumber")} style={{ flex: 1 }} />
                      </Form.Item>
                    </Space.Compact>
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item label={t("cases.age")} name={["victim", "age"]}>
                    <InputNumber min={0} max={120} style={{ width: "100%" }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item label={t("cases.sex")} name={["victim", "sex"]}>
                    <Select
                      options={(["female", "male", "unknown"] as const).map((s) => ({
                        value: s,
                        label: t(`cases.sexKind.${s}`),
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item label={t("cases.maritalStatus")} name={["victim", "marital_status"]}>
                    <Select options={MARITAL.map((m) => ({ value: m, label: t(`cases.marital.${m}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item label={t("cases.complainantKind")} name="complainant_kind">
                    <Select
                      options={(["victim", "other", "anonymous"] as const).map((k) => ({
                        value: k,
                        label: t(`cases.complainant.${k}`),
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col span={24}>
                  <Form.Item label={t("cases.address")} name={["victim", "address"]}>
                    <Input maxLength={300} />
                  </Form.Item>
                </Col>
              </Row>
              <Typography.Text strong>{t("cases.respondents")}</Typography.Text>
              <Form.List name="respondents">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field) => (
                      <Space key={field.key} align="baseline" wrap style={{ display: "flex", marginTop: 8 }}>
                        <Form.Item
                          name={[field.name, "name"]}
                          label={t("cases.name")}
                          rules={[{ required: true, whitespace: true }]}
                        >
                          <Input maxLength={50} />
                        </Form.Item>
                        <Form.Item
                          name={[field.name, "relationship"]}
                          label={t("cases.relationship")}
                          rules={[{ required: true }]}
                          initialValue="spouse"
                        >
                          <Select
                            style={{ width: 140 }}
                            options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`cases.relationshipKind.${r}`) }))}
                          />
                        </Form.Item>
                        <MinusCircleOutlined aria-label={t("common.delete")} onClick={() => remove(field.name)} />
                      </Space>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} style={{ marginTop: 8 }}>
                      {t("cases.addRespondent")}
                    </Button>
                  </>
                )}
              </Form.List>
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card size="small" title={t("cases.riskSection")} style={{ marginBottom: 16 }}>
              <Typography.Paragraph type="secondary">{t("cases.riskHint")}</Typography.Paragraph>
              {RISK_QUESTIONS.map((q) => (
                <Form.Item key={q} name={["risk", q]} valuePropName="checked" style={{ marginBottom: 4 }}>
                  <Checkbox>{t(`cases.riskQuestion.${q}`)}</Checkbox>
                </Form.Item>
              ))}
              <Form.Item label={t("cases.riskNotes")} name={["risk", "notes"]} style={{ marginTop: 12 }}>
                <Input.TextArea rows={2} maxLength={1000} />
              </Form.Item>
            </Card>
            <Button type="primary" htmlType="submit" size="large" block loading={create.isPending}>
              {t("cases.submitIntake")}
            </Button>
          </Col>
        </Row>
      </Form>
    </>
  );
}
