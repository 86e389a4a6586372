/** Cases transferred or assigned (转办/交办) to this unit and waiting to be taken over, accepted or rejected here. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Input, List, Space, Tag } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { casesApi, ifMatch, unwrap } from "../api/client";
import type { components } from "../api/gen/cases";
import { ErrorAlert } from "../common/errors";
import { formatDateTime } from "../common/time";
import { caseKeys } from "./api";

type Transfer = components["schemas"]["TransferPublic"];

export function IncomingTransfers() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const q = useQuery({
    queryKey: ["cases", "transfers", "incoming"],
    queryFn: () =>
      unwrap(casesApi.GET("/cases/transfers", { params: { query: { direction: "incoming", status: "pending" } } })),
  });
  const decide = useMutation({
    mutationFn: ({ tr, accept }: { tr: Transfer; accept: boolean }) =>
      unwrap(
        casesApi.POST("/cases/transfers/{transfer_id}/decision", {
          params: { path: { transfer_id: tr.id } },
          body: { accept, note: notes[tr.id] ?? "" },
          headers: ifMatch(tr.version),
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.all }),
  });
  const rows = q.data ?? [];
  if (!q.error && rows.length === 0) return null;
  return (
    <Card size="small" title={t("cases.incomingTransfers")} style={{ marginBottom: 16 }}>
      <ErrorAlert error={q.error ?? decide.error} />
      <List
        dataSource={rows}
        renderItem={(tr) => (
          <List.Item
            actions={[
              <Input
                key="note"
                aria-label={t("cases.note")}
                placeholder={t("cases.note")}
                style={{ width: 180 }}
                onChange={(e) => setNotes((n) => ({ ...n, [tr.id]: e.target.value }))}
              />,
              <Button
                key="accept"
                type="primary"
                size="small"
                loading={decide.isPending}
                onClick={() => decide.mutate({ tr, accept: true })}
              >
                {t("cases.acceptTransfer")}
              </Button>,
              <Button
                key="reject"
                danger
                size="small"
                loading={decide.isPending}
                onClick={() => decide.mutate({ tr, accept: false })}
              >
                {t("cases.rejectTransfer")}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space wrap>
                  <Link to={`/cases/${tr.case_id}`}>{tr.case_number}</Link>
                  <Tag>{t(`cases.transferKind.${tr.kind}`, { defaultValue: tr.kind })}</Tag>
                  {tr.case_summary}
                </Space>
              }
              description={`${tr.reason} · ${tr.requested_by_name} · ${formatDateTime(tr.requested_at)}`}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
