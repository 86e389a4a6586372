/**
 * The region tree: browse lazily, search, add sub-units, rename, move and import a CSV (admins, own subtree); moves the
 * modules have not applied yet are shown above the tree.
 */
import { PlusOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Space, Tree, Upload } from "antd";
import type { TreeDataNode } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/AuthContext";
import { applyFieldErrors, ErrorAlert } from "../common/errors";
import { OrgUnitPicker } from "../common/OrgUnitPicker";
import { PageTitle } from "../common/PageTitle";
import {
  createUnit,
  fetchChildren,
  importUnits,
  moveUnit,
  orgUnitKeys,
  renameUnit,
  searchUnits,
  type OrgUnit,
} from "./orgUnitsApi";
import { PendingMovesAlert } from "./PendingMovesAlert";

type Children = Record<string, OrgUnit[]>;
const ROOTS = "roots";

function buildTree(children: Children, parent: string): TreeDataNode[] {
  return (children[parent] ?? []).map((u) => ({
    key: u.id,
    title: `${u.name}（${u.code}）`,
    isLeaf: !u.has_children && !children[u.id]?.length,
    children: children[u.id] ? buildTree(children, u.id) : undefined,
  }));
}

export default function OrgUnitsPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [children, setChildren] = useState<Children>({});
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<OrgUnit | null>(null);
  const [expanded, setExpanded] = useState<React.Key[]>([]);
  const [found, setFound] = useState<OrgUnit[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [moving, setMoving] = useState(false);

  const load = useCallback(async (parent: string | null) => {
    try {
      const list = await fetchChildren(parent);
      setChildren((c) => ({ ...c, [parent ?? ROOTS]: list }));
      return list;
    } catch (e) {
      setError(e);
      return [];
    }
  }, []);

  useEffect(() => {
    // load() sets state only after awaiting the fetch, i.e. in the fetch's callback, which the rule allows; it does
    // not look past the await inside the callback and reports it as a synchronous setState.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load(null);
  }, [load]);

  const byId = (id: string) =>
    Object.values(children)
      .flat()
      .find((u) => u.id === id);

  const replaceUnit = (unit: OrgUnit) => {
    setSelected(unit);
    setChildren((c) =>
      Object.fromEntries(Object.entries(c).map(([k, list]) => [k, list.map((u) => (u.id === unit.id ? unit : u))])),
    );
  };

  return (
    <>
      <PageTitle
        title={t("orgUnits.title")}
        extra={
          <Upload
            accept=".csv,text/csv"
            showUploadList={false}
            customRequest={({ file }) => {
              importUnits(file as File)
                .then((r) => {
                  void message.success(
                    t("orgUnits.imported", { created: r.created, updated: r.updated, errors: r.errors?.length ?? 0 }),
                  );
                  setChildren({});
                  void load(null);
                })
                .catch(setError);
            }}
          >
            <Button icon={<UploadOutlined />} title={t("orgUnits.importHint")}>
              {t("orgUnits.import")}
            </Button>
          </Upload>
        }
      />
      <ErrorAlert error={error} />
      <PendingMovesAlert />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card title={t("orgUnits.tree")} size="small">
            <Input.Search
              aria-label={t("orgUnits.searchPlaceholder")}
              placeholder={t("orgUnits.searchPlaceholder")}
              allowClear
              onSearch={(q) => {
                if (!q.trim()) return setFound(null);
                searchUnits(q.trim()).then(setFound).catch(setError);
              }}
              style={{ marginBottom: 12 }}
            />
            {found ? (
              found.length === 0 ? (
                <Empty />
              ) : (
                <ul className="plain-list">
                  {found.map((u) => (
                    <li key={u.id}>
                      <a onClick={() => setSelected(u)}>
                        {u.name}（{u.code}）
                      </a>
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <Tree
                treeData={buildTree(children, ROOTS)}
                expandedKeys={expanded}
                onExpand={setExpanded}
                loadData={async (node) => {
                  await load(String(node.key));
                }}
                selectedKeys={selected ? [selected.id] : []}
                onSelect={(keys) => {
                  const unit = keys[0] ? byId(String(keys[0])) : undefined;
                  setSelected(unit ?? null);
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          {selected ? (
            <UnitPanel
              key={`${selected.id}:${selected.version}`}
              unit={selected}
              onRenamed={(u) => {
                replaceUnit(u);
                void message.success(t("orgUnits.renamed"));
              }}
              onAdd={() => setAdding(true)}
              onMove={() => setMoving(true)}
            />
          ) : (
            <Card>
              <Empty description={t("orgUnits.selectHint")} />
            </Card>
          )}
        </Col>
      </Row>
      {adding && selected && (
        <AddUnitModal
          parent={selected}
          onClose={() => setAdding(false)}
          onCreated={async () => {
            setAdding(false);
            void message.success(t("orgUnits.created"));
            await load(selected.id);
            setExpanded((e) => [...new Set([...e, selected.id])]);
          }}
        />
      )}
      {moving && selected && me && (
        <MoveUnitModal
          unit={selected}
          rootId={me.org_unit.id}
          onClose={() => setMoving(false)}
          onMoved={async (u) => {
            setMoving(false);
            void message.success(t("orgUnits.moved"));
            void queryClient.invalidateQueries({ queryKey: orgUnitKeys.pendingMoves });
            setSelected(u);
            setChildren({});
            setExpanded([]);
            await load(null);
          }}
        />
      )}
    </>
  );
}

function UnitPanel({
  unit,
  onRenamed,
  onAdd,
  onMove,
}: {
  unit: OrgUnit;
  onRenamed: (u: OrgUnit) => void;
  onAdd: () => void;
  onMove: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string }>();
  const rename = useMutation({
    mutationFn: (name: string) => renameUnit(unit, name),
    onSuccess: onRenamed,
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Card
      title={unit.name}
      size="small"
      extra={
        <Space>
          <Button icon={<PlusOutlined />} onClick={onAdd} disabled={unit.level === "village"}>
            {t("orgUnits.addChild")}
          </Button>
          <Button onClick={onMove} disabled={!unit.parent_id}>
            {t("orgUnits.move")}
          </Button>
        </Space>
      }
    >
      <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t("common.code")}>{unit.code}</Descriptions.Item>
        <Descriptions.Item label={t("orgUnits.level")}>{t(`levels.${unit.level}`)}</Descriptions.Item>
        <Descriptions.Item label={t("orgUnits.path")}>{unit.path}</Descriptions.Item>
      </Descriptions>
      <ErrorAlert error={rename.error} form={form} />
      <Form
        form={form}
        name="renameUnit"
        layout="inline"
        initialValues={{ name: unit.name }}
        onFinish={(v) => rename.mutate(v.name)}
      >
        <Form.Item label={t("orgUnits.rename")} name="name" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={rename.isPending}>
          {t("common.save")}
        </Button>
      </Form>
    </Card>
  );
}

function AddUnitModal({ parent, onClose, onCreated }: { parent: OrgUnit; onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ code: string; name: string }>();
  const create = useMutation({
    mutationFn: (v: { code: string; name: string }) => createUnit({ ...v, parent_id: parent.id }),
    onSuccess: onCreated,
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Modal
      open
      title={`${t("orgUnits.addChild")} · ${parent.name}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      okText={t("common.save")}
    >
      <ErrorAlert error={create.error} form={form} />
      <Form
        form={form}
        name="addUnit"
        layout="vertical"
        onFinish={(v) => create.mutate(v)}
        initialValues={{ code: parent.code }}
      >
        <Form.Item
          label={t("common.code")}
          name="code"
          rules={[{ required: true, pattern: /^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/ }]}
        >
          <Input inputMode="numeric" maxLength={12} />
        </Form.Item>
        <Form.Item label={t("common.name")} name="name" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MoveUnitModal({
  unit,
  rootId,
  onClose,
  onMoved,
}: {
  unit: OrgUnit;
  rootId: string;
  onClose: () => void;
  onMoved: (u: OrgUnit) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ parent_id: string }>();
  const move = useMutation({
    mutationFn: (v: { parent_id: string }) => moveUnit(unit, v.parent_id),
    onSuccess: onMoved,
    onError: (e) => applyFieldErrors(form, e),
  });
  return (
    <Modal
      open
      title={`${t("orgUnits.move")} · ${unit.name}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={move.isPending}
    >
      <ErrorAlert error={move.error} form={form} />
      <Form form={form} name="moveUnit" layout="vertical" onFinish={(v) => move.mutate(v)}>
        <Form.Item label={t("orgUnits.newParent")} name="parent_id" rules={[{ required: true }]}>
          <OrgUnitPicker rootId={rootId} disabledIds={[unit.id]} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
