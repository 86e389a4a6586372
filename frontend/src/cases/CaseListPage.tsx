/** The case work list: urgent first (the server's order), filters and search, keyset paging, CSV export. */
import { DownloadOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Checkbox, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { asApiError } from "../api/problem";
import { useAuth } from "../auth/AuthContext";
import { ErrorAlert } from "../common/errors";
import { LoadMore, toSearchParams, useKeysetList } from "../common/keysetList";
import { PageTitle } from "../common/PageTitle";
import { IncomingTransfers } from "./IncomingTransfers";
import { formatDateTime } from "../common/time";
import {
  CATEGORIES,
  caseKeys,
  listCases,
  RISK_COLOURS,
  RISK_LEVELS,
  download,
  STATUSES,
  type CaseFilters,
  type CaseListItem,
} from "./api";

/** Filters live in the address bar, so a dashboard link or a reload shows the same list. */
function filtersFrom(params: URLSearchParams): CaseFilters {
  const f: CaseFilters = {};
  const status = params.getAll("status");
  if (status.length) f.status = status as CaseFilters["status"];
  for (const key of ["category", "risk_level", "q", "received_from"] as const) {
    const v = params.get(key);
    if (v) (f as Record<string, string>)[key] = v;
  }
  if (params.get("urgent") === "true") f.urgent = true;
  if (params.get("overdue") === "true") f.overdue = true;
  return f;
}

export default function CaseListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const [exporting, setExporting] = useState(false);
  const setFilters = (f: CaseFilters) => setParams(toSearchParams(f), { replace: true });

  const list = useKeysetList(caseKeys.list(filters), (cursor) => listCases({ ...filters, cursor, limit: 50 }));
  const rows = list.rows;

  // The service exports (masked, audited) what the list shows; the browser only saves the file.
  const exportXlsx = async () => {
    setExporting(true);
    try {
      const query = toSearchParams(filters);
      query.set("format", "xlsx");
      await download(`/api/cases/export?${query}`, `cases-${new Date().toISOString().slice(0, 10)}.xlsx`);
      void message.success(t("cases.exportDone"));
    } catch (e) {
      void message.error(asApiError(e).message);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageTitle
        title={t("cases.list")}
        extra={
          <Space wrap>
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportXlsx()}>
              {t("common.export")}
            </Button>
            {can("caseIntake") && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/cases/new")}>
                {t("cases.intake")}
              </Button>
            )}
          </Space>
        }
      />
      <Form
        name="caseFilters"
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        key={params.toString()}
        initialValues={{ ...filters }}
        onValuesChange={(_, all) => setFilters({ ...all, q: all.q || undefined })}
      >
        <Form.Item name="q">
          <Input.Search
            aria-label={t("cases.searchPlaceholder")}
            placeholder={t("cases.searchPlaceholder")}
            allowClear
            style={{ width: 240 }}
            onSearch={(q) => setFilters({ ...filters, q: q || undefined })}
          />
        </Form.Item>
        <Form.Item name="status">
          <Select
            aria-label={t("cases.statusLabel")}
            mode="multiple"
            placeholder={t("cases.statusLabel")}
            allowClear
            style={{ minWidth: 160 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="category">
          <Select
            aria-label={t("cases.categoryLabel")}
            placeholder={t("cases.categoryLabel")}
            allowClear
            style={{ width: 150 }}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`cases.category.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="risk_level">
          <Select
            aria-label={t("cases.riskLabel")}
            placeholder={t("cases.riskLabel")}
            allowClear
            style={{ width: 130 }}
            options={RISK_LEVELS.map((r) => ({ value: r, label: t(`cases.risk.${r}`) }))}
          />
        </Form.Item>
        <Form.Item name="urgent" valuePropName="checked">
          <Checkbox>{t("cases.onlyUrgent")}</Checkbox>
        </Form.Item>
        <Form.Item name="overdue" valuePropName="checked">
          <Checkbox>{t("cases.onlyOverdue")}</Checkbox>
        </Form.Item>
      </Form>
      {can("caseHandle") && <IncomingTransfers />}
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<CaseListItem>
        rowKey="id"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1000 }}
        rowClassName={(c) => (c.urgent ? "row-urgent" : "")}
        columns={[
          {
            title: t("cases.number"),
            dataIndex: "number",
            render: (n: string, c) => (
              <Space size={4}>
                <Link to={`/cases/${c.id}`}>{n}</Link>
                {c.urgent && <Tag color="red">{t("cases.urgent")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("cases.statusLabel"),
            dataIndex: "status",
            render: (s: string) => <Tag>{t(`cases.status.${s}`)}</Tag>,
          },
          {
            title: t("cases.riskLabel"),
            dataIndex: "risk_level",
            render: (r: keyof typeof RISK_COLOURS) => <Tag color={RISK_COLOURS[r]}>{t(`cases.risk.${r}`)}</Tag>,
          },
          {
            title: t("cases.categoryLabel"),
            dataIndex: "primary_category",
            render: (c: string) => t(`cases.category.${c}`),
          },
          { title: t("cases.victim"), dataIndex: "victim_name" },
          { title: t("cases.summary"), dataIndex: "summary", ellipsis: true, width: 260 },
          { title: t("cases.handler"), dataIndex: "handler_name", render: (h: string) => h || "—" },
          {
            title: t("cases.receivedAt"),
            dataIndex: "received_at",
            render: (d: string, c) => (
              <Space size={4}>
                {formatDateTime(d)}
                {c.overdue && <Tag color="volcano">{t("cases.overdue")}</Tag>}
              </Space>
            ),
          },
        ]}
        onRow={(c) => ({ onDoubleClick: () => navigate(`/cases/${c.id}`) })}
        locale={{ emptyText: <Typography.Text type="secondary">{t("common.noData")}</Typography.Text> }}
      />
      <LoadMore list={list} />
    </>
  );
}
