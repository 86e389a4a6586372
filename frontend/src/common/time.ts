/** Dates come as UTC ISO strings; people read them in Asia/Shanghai. */
import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";

dayjs.extend(utc);
dayjs.extend(timezone);

export const ZONE = "Asia/Shanghai";

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).tz(ZONE).format("YYYY-MM-DD HH:mm") : "—";
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dayjs(iso).tz(ZONE).format("YYYY-MM-DD") : "—";
}

/** Today's date in Shanghai as YYYY-MM-DD. */
export function today(): string {
  return dayjs().tz(ZONE).format("YYYY-MM-DD");
}
