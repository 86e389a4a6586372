/** Names of org units by division code, for services that answer with codes only (one cached look-up per code). */
import { useQueries } from "@tanstack/react-query";
import { searchUnits } from "../admin/orgUnitsApi";

export function useUnitNames(codes: string[]): Record<string, string> {
  const unique = [...new Set(codes)].sort();
  const results = useQueries({
    queries: unique.map((code) => ({
      queryKey: ["org-units", "name", code],
      queryFn: async () => (await searchUnits(code)).find((u) => u.code === code)?.name ?? null,
      staleTime: Infinity,
    })),
  });
  return Object.fromEntries(unique.flatMap((code, i) => (results[i]?.data ? [[code, results[i].data]] : [])));
}
