/** Choose an org unit in a tree that starts at `rootId` (usually the user's own unit) and loads children lazily. */
import { TreeSelect } from "antd";
import { useEffect, useState } from "react";
import { fetchChildren, fetchUnit, type OrgUnit } from "../admin/orgUnitsApi";

interface Node {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
}

const toNode = (u: OrgUnit, pId: string | null, by: "id" | "path" = "id"): Node => ({
  id: u.id,
  pId,
  value: by === "path" ? u.path : u.id,
  title: `${u.name}（${u.code}）`,
  isLeaf: !u.has_children && pId !== null,
});

export function OrgUnitPicker({
  rootId,
  value,
  onChange,
  placeholder,
  allowClear,
  id,
  disabledIds = [],
  by = "id",
}: {
  rootId: string;
  value?: string;
  onChange?: (id: string | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  id?: string;
  disabledIds?: string[];
  /** What the value is: the unit's id (default) or its path (the services filter by path). */
  by?: "id" | "path";
}) {
  const [nodes, setNodes] = useState<Node[]>([]);

  useEffect(() => {
    let live = true;
    void fetchUnit(rootId).then((root) => {
      if (live) setNodes([{ ...toNode(root, null, by), isLeaf: false }]);
    });
    return () => {
      live = false;
    };
  }, [rootId, by]);

  const loadData = async (node: { value?: unknown }) => {
    const parent = nodes.find((n) => n.value === node.value)?.id;
    if (!parent || nodes.some((n) => n.pId === parent)) return;
    const children = await fetchChildren(parent);
    setNodes((current) => [...current, ...children.map((c) => toNode(c, parent, by))]);
  };

  return (
    <TreeSelect
      id={id}
      treeDataSimpleMode
      treeData={nodes.map((n) => ({ ...n, disabled: disabledIds.includes(n.id) }))}
      loadData={loadData}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      placeholder={placeholder}
      allowClear={allowClear}
      showSearch
      treeNodeFilterProp="title"
      style={{ width: "100%" }}
      popupMatchSelectWidth={false}
    />
  );
}
