/**
 * Moves in the region tree that some module (cases, projects, indicators) has not applied yet: which unit moved
 * where, who is still behind, how often the gateway tried and why it failed. Asks again every few seconds while
 * anything is pending, not at all otherwise; shows nothing when every move has been applied.
 */
import { ReloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Typography } from "antd";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../common/time";
import { useUnitNames } from "../common/useUnitNames";
import { fetchPendingMoves, orgUnitKeys, type OrgMove } from "./orgUnitsApi";

export const PENDING_MOVES_POLL_MS = 5_000;

const codesOf = (path: string) => path.split("/").filter(Boolean);

/** The moved unit's code and the codes of its old and new parent. */
function codes(move: OrgMove) {
  const from = codesOf(move.from_path);
  const to = codesOf(move.to_path);
  return { unit: to.at(-1) ?? "", from: from.at(-2), to: to.at(-2) };
}

export function PendingMovesAlert({ pollMs = PENDING_MOVES_POLL_MS }: { pollMs?: number }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const moves = useQuery({
    queryKey: orgUnitKeys.pendingMoves,
    queryFn: fetchPendingMoves,
    staleTime: 0, // opening the page always asks (the app's default would reuse an answer for 30 s)
    refetchInterval: (query) => (query.state.data?.length ? pollMs : false),
  });
  const pending = moves.data ?? [];
  const names = useUnitNames(pending.flatMap((m) => Object.values(codes(m)).filter((c): c is string => !!c)));

  // Say so once everything the admin saw pending has been applied.
  const hadPending = useRef(false);
  useEffect(() => {
    if (!moves.isSuccess) return;
    if (pending.length) hadPending.current = true;
    else if (hadPending.current) {
      hadPending.current = false;
      void message.success(t("orgUnits.moveSync.done"));
    }
  }, [moves.isSuccess, pending.length, message, t]);

  if (!pending.length) return null;
  const unitLabel = (code: string) => (names[code] ? `${names[code]}（${code}）` : code);
  const parentLabel = (code: string | undefined) => (code ? (names[code] ?? code) : "—");
  const modules = new Intl.ListFormat(i18n.language, { type: "conjunction" });
  const failing = pending.some((m) => m.attempts > 0);
  return (
    <Alert
      type={failing ? "warning" : "info"}
      showIcon
      data-testid="pending-moves"
      style={{ marginBottom: 16 }}
      title={t(failing ? "orgUnits.moveSync.behindTitle" : "orgUnits.moveSync.runningTitle")}
      description={
        <>
          <div>{t("orgUnits.moveSync.hint")}</div>
          <ul style={{ margin: "8px 0 0", paddingInlineStart: 20 }}>
            {pending.map((m) => {
              const c = codes(m);
              return (
                <li key={m.id} title={`${m.from_path} → ${m.to_path}`}>
                  <Typography.Text strong>
                    {t("orgUnits.moveSync.move", {
                      unit: unitLabel(c.unit),
                      from: parentLabel(c.from),
                      to: parentLabel(c.to),
                    })}
                  </Typography.Text>
                  <div>
                    {[
                      t("orgUnits.moveSync.waitingFor", {
                        modules: modules.format(m.pending.map((s) => t(`nav.${s}`, { defaultValue: s }))),
                      }),
                      m.attempts > 0 && t("orgUnits.moveSync.attempts", { n: m.attempts }),
                      t("orgUnits.moveSync.movedAt", { time: formatDateTime(m.created_at) }),
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </div>
                  {m.last_error && (
                    <Typography.Text type="secondary">
                      {t("orgUnits.moveSync.lastError", { error: m.last_error })}
                    </Typography.Text>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      }
      action={
        <Button size="small" icon={<ReloadOutlined />} loading={moves.isFetching} onClick={() => void moves.refetch()}>
          {t("common.refresh")}
        </Button>
      }
    />
  );
}
