/** Projects of the region: filters, keyset paging, export through the service (XLSX). */
import { DownloadOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Checkbox, Form, Input, Select, Space, Table, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { download } from "../cases/api";
import { ErrorAlert } from "../common/errors";
import { LoadMore, toSearchParams, useKeysetList } from "../common/keysetList";
import { PageTitle } from "../common/PageTitle";
import { CATEGORIES, listProjects, projectKeys, STATUSES, type Project, type ProjectFilters } from "./api";

export default function ProjectListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters: ProjectFilters = {
    ...(params.getAll("status").length ? { status: params.get("status") as ProjectFilters["status"] } : {}),
    ...(params.get("category") ? { category: params.get("category") as ProjectFilters["category"] } : {}),
    ...(params.get("q") ? { q: params.get("q")! } : {}),
    ...(params.get("behind_schedule") === "true" ? { behind_schedule: true } : {}),
  };
  const setFilters = (f: object) => setParams(toSearchParams(f), { replace: true });
  const list = useKeysetList(projectKeys.list(filters), (cursor) => listProjects({ ...filters, cursor, limit: 50 }));
  const rows = list.rows;
  const exportXlsx = () => {
    const q = new URLSearchParams({ format: "xlsx" });
    params.forEach((v, k) => q.append(k, v));
    download(`/api/projects/export?${q}`, "projects.xlsx").catch((e: Error) => message.error(e.message));
  };

  return (
    <>
      <PageTitle
        title={t("projects.list")}
        extra={
          <Space wrap>
            <Button icon={<DownloadOutlined />} onClick={exportXlsx}>
              {t("projects.export")}
            </Button>
            {can("projectEdit") && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/projects/new")}>
                {t("projects.create")}
              </Button>
            )}
          </Space>
        }
      />
      <Form
        name="projectFilters"
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        key={params.toString()}
        initialValues={filters}
        onValuesChange={(_, all) => setFilters(all)}
      >
        <Form.Item name="q">
          <Input.Search
            aria-label={t("projects.searchPlaceholder")}
            placeholder={t("projects.searchPlaceholder")}
            allowClear
            onSearch={(q) => setFilters({ ...filters, q })}
          />
        </Form.Item>
        <Form.Item name="status">
          <Select
            aria-label={t("projects.statusLabel")}
            allowClear
            placeholder={t("projects.statusLabel")}
            style={{ minWidth: 160 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`projects.status.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="category">
          <Select
            aria-label={t("projects.categoryLabel")}
            allowClear
            placeholder={t("projects.categoryLabel")}
            style={{ width: 160 }}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`projects.category.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="behind_schedule" valuePropName="checked">
          <Checkbox>{t("projects.onlyBehind")}</Checkbox>
        </Form.Item>
      </Form>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<Project>
        rowKey="id"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: t("projects.code"), dataIndex: "code" },
          {
            title: t("projects.name"),
            dataIndex: "name",
            render: (n: string, p) => (
              <Space size={4} wrap>
                <Link to={`/projects/${p.id}`}>{n}</Link>
                {p.behind_schedule && <Tag color="orange">{t("projects.behind")}</Tag>}
                {p.is_brand && <Tag color="gold">{t("projects.brand")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("projects.statusLabel"),
            dataIndex: "status",
            render: (s: string) => <Tag>{t(`projects.status.${s}`, { defaultValue: s })}</Tag>,
          },
          {
            title: t("projects.categoryLabel"),
            dataIndex: "category",
            render: (c: string) => t(`projects.category.${c}`, { defaultValue: c }),
          },
          { title: t("projects.responsible"), dataIndex: "responsible_person" },
          { title: t("projects.period"), render: (_, p) => `${p.start_date} ~ ${p.end_date}` },
        ]}
      />
      <LoadMore list={list} />
    </>
  );
}
