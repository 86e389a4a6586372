/** Users and roles of the region: filter, page through, create, edit roles/unit, disable, reset password, unlock. */
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Drawer, Form, Input, Modal, Select, Space, Switch, Table, Tag } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/AuthContext";
import { ROLES } from "../auth/roles";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { LoadMore, useKeysetList } from "../common/keysetList";
import { OrgUnitPicker } from "../common/OrgUnitPicker";
import { PageTitle } from "../common/PageTitle";
import { formatDateTime } from "../common/time";
import { createUser, listUsers, resetPassword, unlockUser, updateUser, type User, type UserFilters } from "./usersApi";

export default function UsersPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<UserFilters>({});
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const editable = can("userEdit");

  const users = useKeysetList(["users", filters], (cursor) => listUsers(filters, cursor));
  const rows = users.rows;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["users"] });

  const unlock = useMutation({
    mutationFn: unlockUser,
    onSuccess: () => {
      void message.success(t("users.unlocked"));
      void refresh();
    },
  });

  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }));
  if (!me) return null;

  return (
    <>
      <PageTitle
        title={t("users.title")}
        extra={
          editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t("users.create")}
            </Button>
          )
        }
      />
      <Form
        name="userFilters"
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={(v: UserFilters) => setFilters(clean(v))}
      >
        <Form.Item name="q">
          <Input.Search
            aria-label={t("users.searchPlaceholder")}
            placeholder={t("users.searchPlaceholder")}
            allowClear
            onSearch={(q) => setFilters((f) => clean({ ...f, q }))}
          />
        </Form.Item>
        <Form.Item name="role">
          <Select
            aria-label={t("users.filterRole")}
            placeholder={t("users.filterRole")}
            allowClear
            options={roleOptions}
            style={{ width: 160 }}
            onChange={(role?: string) => setFilters((f) => clean({ ...f, role }))}
          />
        </Form.Item>
        <Form.Item name="org_unit_id" style={{ minWidth: 220 }}>
          <OrgUnitPicker
            rootId={me.org_unit.id}
            allowClear
            placeholder={t("users.filterUnit")}
            onChange={(org_unit_id) => setFilters((f) => clean({ ...f, org_unit_id }))}
          />
        </Form.Item>
      </Form>
      <ErrorAlert error={users.error ?? unlock.error} onRetry={() => void users.refetch()} />
      <Table<User>
        rowKey="id"
        loading={users.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: t("users.username"), dataIndex: "username" },
          { title: t("users.name"), dataIndex: "name" },
          { title: t("users.orgUnit"), render: (_, u) => u.org_unit.name },
          {
            title: t("users.roles"),
            render: (_, u) => u.roles.map((r) => <Tag key={r}>{t(`roles.${r}`)}</Tag>),
          },
          {
            title: t("common.status"),
            render: (_, u) => (
              <Space size={4} wrap>
                {u.disabled ? (
                  <Tag color="default">{t("users.disabled")}</Tag>
                ) : (
                  <Tag color="green">{t("users.enabled")}</Tag>
                )}
                {isLocked(u) && (
                  <Tag color="red">{t("users.lockedUntil", { time: formatDateTime(u.locked_until) })}</Tag>
                )}
              </Space>
            ),
          },
          { title: t("users.lastLogin"), render: (_, u) => formatDateTime(u.last_login_at) },
          ...(editable
            ? [
                {
                  title: t("common.actions"),
                  key: "actions",
                  render: (_: unknown, u: User) => (
                    <Space size={0} wrap>
                      <Button type="link" size="small" onClick={() => setEditing(u)}>
                        {t("common.edit")}
                      </Button>
                      <Button type="link" size="small" onClick={() => setResetting(u)}>
                        {t("users.resetPassword")}
                      </Button>
                      {isLocked(u) && (
                        <Button type="link" size="small" onClick={() => unlock.mutate(u)}>
                          {t("users.unlock")}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <LoadMore list={users} />
      {creating && (
        <UserForm
          rootId={me.org_unit.id}
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            void message.success(t("users.created"));
            void refresh();
          }}
        />
      )}
      {editing && (
        <UserForm
          user={editing}
          rootId={me.org_unit.id}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void message.success(t("common.saved"));
            void refresh();
          }}
        />
      )}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}

const isLocked = (u: User) => !!u.locked_until && new Date(u.locked_until) > new Date();

function clean(f: UserFilters): UserFilters {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== "")) as UserFilters;
}

interface UserValues {
  username: string;
  name: string;
  phone?: string;
  password?: string;
  roles: string[];
  org_unit_id: string;
  disabled?: boolean;
}

/** Create (no `user`) or edit; the drawer stays open with field errors until the server accepts. */
function UserForm({
  user,
  rootId,
  onClose,
  onSaved,
}: {
  user?: User;
  rootId: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<UserValues>();
  const save = useMutation({
    mutationFn: (v: UserValues) =>
      user
        ? updateUser(user, {
            name: v.name,
            phone: v.phone ?? "",
            roles: v.roles as never,
            org_unit_id: v.org_unit_id,
            disabled: !!v.disabled,
          })
        : createUser({ ...v, phone: v.phone ?? "", password: v.password ?? "", roles: v.roles as never }),
    onSuccess: onSaved,
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Drawer
      open
      title={user ? `${t("users.edit")} · ${user.username}` : t("users.create")}
      onClose={onClose}
      size={420}
      extra={
        <Button type="primary" onClick={() => form.submit()} loading={save.isPending}>
          {t("common.save")}
        </Button>
      }
    >
      <ErrorAlert error={save.error} form={form} />
      <Form
        form={form}
        layout="vertical"
        name="user"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          user
            ? {
                name: user.name,
                phone: user.phone,
                roles: user.roles,
                org_unit_id: user.org_unit.id,
                disabled: user.disabled,
              }
            : { roles: [], org_unit_id: rootId }
        }
      >
        {!user && (
          <Form.Item
            label={t("users.username")}
            name="username"
            rules={[{ required: true, min: 3, pattern: /^[A-Za-z0-9_.@-]+$/ }]}
          >
            <Input autoComplete="off" maxLength={64} />
          </Form.Item>
        )}
        <Form.Item label={t("users.name")} name="name" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t("users.phone")} name="phone">
          <Input maxLength={32} inputMode="tel" />
        </Form.Item>
        {!user && (
          <Form.Item
            label={t("users.password")}
            name="password"
            extra={t("users.passwordHint")}
            rules={[{ required: true }]}
          >
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
        )}
        <Form.Item label={t("users.roles")} name="roles" rules={[{ required: true, type: "array", min: 1 }]}>
          <Select mode="multiple" options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
        </Form.Item>
        <Form.Item label={t("users.orgUnit")} name="org_unit_id" rules={[{ required: true }]}>
          <OrgUnitPicker rootId={rootId} />
        </Form.Item>
        {user && (
          <Form.Item label={t("users.disable")} name="disabled" valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const reset = useMutation({
    mutationFn: (v: { password: string }) => resetPassword(user, v.password),
    onSuccess: () => {
      void message.success(t("users.passwordReset"));
      onClose();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Modal
      open
      title={`${t("users.resetPassword")} · ${user.username}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={reset.isPending}
    >
      <ErrorAlert error={reset.error} form={form} />
      <Form form={form} name="resetPassword" layout="vertical" onFinish={(v) => reset.mutate(v)}>
        <Form.Item
          label={t("users.newPassword")}
          name="password"
          extra={t("users.passwordHint")}
          rules={[{ required: true }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
