/** Keyset-paged lists (the services' `items` / `next_cursor` / `has_more` pages) and filters kept in the URL. */
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import { Button } from "antd";
import { useTranslation } from "react-i18next";

interface Page<T> {
  items: T[];
  next_cursor?: string | null;
  has_more?: boolean;
}

/** All loaded rows of a keyset list, and what the "load more" button needs. */
export function useKeysetList<T>(queryKey: QueryKey, fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.has_more ? (page.next_cursor ?? undefined) : undefined),
  });
  return { ...query, rows: query.data?.pages.flatMap((p) => p.items) ?? [] };
}

export function LoadMore({
  list,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <Button block style={{ marginTop: 12 }} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
      {t("common.loadMore")}
    </Button>
  );
}

/** Filters as a query string: arrays repeat their key, empty and false values are left out. */
export function toSearchParams(filters: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else if (value !== undefined && value !== null && value !== "" && value !== false) params.set(key, String(value));
  }
  return params;
}
