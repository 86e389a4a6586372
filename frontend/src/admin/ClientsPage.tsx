/** Partner clients (police, courts, legal aid …): register, change scopes, disable, rotate the secret (shown once). */
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { gateway, ifMatch, unwrap } from "../api/client";
import type { components } from "../api/gen/gateway";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { OrgUnitPicker } from "../common/OrgUnitPicker";
import { PageTitle } from "../common/PageTitle";
import { formatDateTime } from "../common/time";

type Client = components["schemas"]["ClientPublic"];
type WithSecret = components["schemas"]["ClientWithSecret"];
type Agency = components["schemas"]["ClientCreate"]["agency"];
type Scope = components["schemas"]["ClientCreate"]["scopes"][number];

const AGENCIES: NonNullable<Agency>[] = [
  "police",
  "court",
  "legal_aid",
  "shelter",
  "civil_affairs",
  "hospital",
  "school",
  "mobile_app",
  "other",
];
const SCOPES: Scope[] = ["cases:intake", "cases:referrals"];

export default function ClientsPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { modal } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Client | "new" | null>(null);
  const [secret, setSecret] = useState<WithSecret | null>(null);
  const clients = useQuery({ queryKey: ["clients"], queryFn: () => unwrap(gateway.GET("/api/clients")) });
  const rotate = useMutation({
    mutationFn: (c: Client) =>
      unwrap(gateway.POST("/api/clients/{client_id}/rotate-secret", { params: { path: { client_id: c.id } } })),
    onSuccess: setSecret,
  });
  if (!me) return null;
  const scopeOptions = SCOPES.map((s) => ({ value: s, label: t(`clients.scopeNames.${s}`) }));

  return (
    <>
      <PageTitle
        title={t("clients.title")}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
            {t("clients.create")}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t("clients.hint")}</Typography.Paragraph>
      <ErrorAlert error={clients.error ?? rotate.error} onRetry={() => void clients.refetch()} />
      <Table<Client>
        rowKey="id"
        loading={clients.isLoading}
        dataSource={clients.data ?? []}
        pagination={false}
        scroll={{ x: 800 }}
        columns={[
          { title: t("clients.name"), dataIndex: "name" },
          {
            title: t("clients.clientId"),
            dataIndex: "client_id",
            render: (v: string) => (
              <Typography.Text code copyable>
                {v}
              </Typography.Text>
            ),
          },
          { title: t("clients.agency"), dataIndex: "agency", render: (a: string) => t(`clients.agencies.${a}`) },
          {
            title: t("clients.scopes"),
            dataIndex: "scopes",
            render: (s: string[]) => s.map((x) => <Tag key={x}>{t(`clients.scopeNames.${x}`)}</Tag>),
          },
          {
            title: t("common.status"),
            render: (_, c) =>
              c.disabled ? <Tag>{t("clients.disabled")}</Tag> : <Tag color="green">{t("users.enabled")}</Tag>,
          },
          { title: t("common.createdAt"), render: (_, c) => formatDateTime(c.created_at) },
          {
            title: t("common.actions"),
            render: (_, c) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(c)}>
                  {t("common.edit")}
                </Button>
                <Button
                  type="link"
                  size="small"
                  onClick={() =>
                    modal.confirm({
                      title: t("clients.rotate"),
                      content: t("clients.rotateConfirm"),
                      onOk: () => rotate.mutate(c),
                    })
                  }
                >
                  {t("clients.rotate")}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <ClientForm
          client={editing === "new" ? undefined : editing}
          rootId={me.org_unit.id}
          scopeOptions={scopeOptions}
          onClose={() => setEditing(null)}
          onSaved={(created) => {
            setEditing(null);
            if (created) setSecret(created);
            void queryClient.invalidateQueries({ queryKey: ["clients"] });
          }}
        />
      )}
      {secret && (
        <Modal
          open
          title={t("clients.secretTitle")}
          onOk={() => setSecret(null)}
          onCancel={() => setSecret(null)}
          cancelButtonProps={{ style: { display: "none" } }}
        >
          <Alert type="warning" showIcon title={t("clients.secretHint")} style={{ marginBottom: 12 }} />
          <p>
            {t("clients.clientId")}:{" "}
            <Typography.Text code copyable>
              {secret.client_id}
            </Typography.Text>
          </p>
          <p>
            client_secret:{" "}
            <Typography.Text code copyable data-testid="client-secret">
              {secret.client_secret}
            </Typography.Text>
          </p>
        </Modal>
      )}
    </>
  );
}

interface Values {
  name: string;
  agency: NonNullable<Agency>;
  scopes: Scope[];
  org_unit_id: string;
  disabled?: boolean;
}

function ClientForm({
  client,
  rootId,
  scopeOptions,
  onClose,
  onSaved,
}: {
  client?: Client;
  rootId: string;
  scopeOptions: { value: Scope; label: string }[];
  onClose: () => void;
  onSaved: (created?: WithSecret) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const save = useMutation({
    mutationFn: async (v: Values) =>
      client
        ? void (await unwrap(
            gateway.PATCH("/api/clients/{client_id}", {
              params: { path: { client_id: client.id } },
              body: { name: v.name, scopes: v.scopes, disabled: !!v.disabled },
              headers: ifMatch(client.version),
            }),
          ))
        : unwrap(gateway.POST("/api/clients", { body: v })),
    onSuccess: (created) => onSaved(created ?? undefined),
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Modal
      open
      title={client ? client.name : t("clients.create")}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t("common.save")}
    >
      <ErrorAlert error={save.error} form={form} />
      <Form
        form={form}
        name="client"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={client ? { ...client } : { agency: "police", scopes: ["cases:referrals"], org_unit_id: rootId }}
      >
        <Form.Item label={t("clients.name")} name="name" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t("clients.agency")} name="agency">
          <Select
            disabled={!!client}
            options={AGENCIES.map((a) => ({ value: a, label: t(`clients.agencies.${a}`) }))}
          />
        </Form.Item>
        <Form.Item label={t("clients.scopes")} name="scopes" rules={[{ required: true, type: "array", min: 1 }]}>
          <Select mode="multiple" options={scopeOptions} />
        </Form.Item>
        {!client && (
          <Form.Item label={t("clients.orgUnit")} name="org_unit_id" rules={[{ required: true }]}>
            <OrgUnitPicker rootId={rootId} />
          </Form.Item>
        )}
        {client && (
          <Form.Item label={t("clients.disabled")} name="disabled" valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
