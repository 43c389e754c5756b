"use client";

import { useQuery } from "@tanstack/react-query";
import type { WallSnapshot } from "@/lib/domain/wall";
import { fetchJson } from "@/components/api/fetch-json";
import { isAuthError } from "@/components/api/http-error";
import { queryKeys } from "@/components/api/query-keys";
import { POLL_MS } from "./poll-interval";

/** The wall's extra detail (step k of n, alarms), polled with /api/apps; paused in hidden tabs. */
export function useWall() {
  return useQuery({
    queryKey: queryKeys.wall(),
    queryFn: ({ signal }) => fetchJson<WallSnapshot>("/api/wall", signal),
    refetchInterval: (query) => (isAuthError(query.state.error) ? false : POLL_MS),
  });
}
