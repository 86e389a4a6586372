/** The indicator catalogue (纲要 indicators with formulas and targets) and the data sets units report. */
import { useQuery } from "@tanstack/react-query";
import { Select, Space, Table, Tabs, Tag } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorAlert } from "../common/errors";
import { PageTitle } from "../common/PageTitle";
import { indicatorKeys, listDataSets, listIndicators, listPlans, type DataSet, type Indicator } from "./api";

export default function CataloguePage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const [plan, setPlan] = useState<string | undefined>();
  const plans = useQuery({ queryKey: indicatorKeys.plans, queryFn: listPlans });
  const catalogue = useQuery({ queryKey: indicatorKeys.catalogue(plan), queryFn: () => listIndicators(plan) });
  const dataSets = useQuery({ queryKey: indicatorKeys.dataSets, queryFn: listDataSets });
  const name = (x: { name_zh: string; name_en?: string }) => (en && x.name_en ? x.name_en : x.name_zh);

  return (
    <>
      <PageTitle title={t("indicators.catalogue")} />
      <ErrorAlert error={catalogue.error ?? plans.error ?? dataSets.error} onRetry={() => void catalogue.refetch()} />
      <Tabs
        items={[
          {
            key: "indicators",
            label: t("indicators.catalogue"),
            children: (
              <>
                <Select
                  aria-label={t("indicators.plan")}
                  placeholder={t("indicators.plan")}
                  allowClear
                  style={{ width: 320, marginBottom: 12 }}
                  value={plan}
                  onChange={setPlan}
                  options={(plans.data?.items ?? []).map((p) => ({
                    value: p.code,
                    label: `${name(p)}（${p.start_year}—${p.end_year}）`,
                  }))}
                />
                <Table<Indicator>
                  rowKey="code"
                  size="small"
                  loading={catalogue.isLoading}
                  dataSource={catalogue.data?.items ?? []}
                  pagination={{ pageSize: 50, hideOnSinglePage: true }}
                  scroll={{ x: 900 }}
                  columns={[
                    { title: t("indicators.code"), dataIndex: "code", width: 120 },
                    {
                      title: t("indicators.name"),
                      render: (_, i) => <Link to={`/indicators/analytics?indicators=${i.code}`}>{name(i)}</Link>,
                    },
                    {
                      title: t("indicators.domainLabel"),
                      dataIndex: "domain",
                      render: (d: string) => t(`indicators.domain.${d}`, { defaultValue: d }),
                    },
                    {
                      title: t("indicators.kindLabel"),
                      dataIndex: "kind",
                      render: (k: string) => t(`indicators.kind.${k}`, { defaultValue: k }),
                    },
                    {
                      title: t("indicators.formula"),
                      render: (_, i) => (i.denominator ? `${i.numerator} ÷ ${i.denominator}` : (i.numerator ?? "—")),
                    },
                    {
                      title: t("indicators.target"),
                      render: (_, i) => (
                        <Space size={4} wrap>
                          {(i.targets ?? []).slice(-2).map((x) => (
                            <Tag key={x.id}>
                              {x.year}: {i.comparator === "le" ? "≤" : i.comparator === "ge" ? "≥" : ""}
                              {x.value}
                              {i.unit_label}
                            </Tag>
                          ))}
                        </Space>
                      ),
                    },
                    { title: t("indicators.responsible"), dataIndex: "responsible_unit" },
                  ]}
                />
              </>
            ),
          },
          {
            key: "data-sets",
            label: t("indicators.dataSets"),
            children: (
              <Table<DataSet>
                rowKey="code"
                size="small"
                loading={dataSets.isLoading}
                dataSource={dataSets.data?.items ?? []}
                pagination={false}
                columns={[
                  { title: t("indicators.code"), dataIndex: "code" },
                  {
                    title: t("indicators.dataSet"),
                    render: (_, d) => <Link to={`/indicators/entry?data_set=${d.code}`}>{name(d)}</Link>,
                  },
                  {
                    title: t("indicators.periodType"),
                    dataIndex: "period_type",
                    render: (p: string) => t(`indicators.periodTypeName.${p}`, { defaultValue: p }),
                  },
                  { title: t("indicators.elements"), dataIndex: "elements", render: (e: string[]) => e.length },
                  { title: t("indicators.dueDays"), dataIndex: "due_days" },
                ]}
              />
            ),
          },
        ]}
      />
    </>
  );
}
