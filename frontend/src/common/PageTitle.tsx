import { Typography } from "antd";
import type { ReactNode } from "react";

/** The screen's heading (one h1 per screen) and its main actions. */
export function PageTitle({ title, extra }: { title: ReactNode; extra?: ReactNode }) {
  return (
    <div className="page-title">
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {title}
      </Typography.Title>
      {extra && <div>{extra}</div>}
    </div>
  );
}
