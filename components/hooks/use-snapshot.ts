"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AppSnapshot } from "@/lib/domain/snapshot";
import { fetchJson } from "@/components/api/fetch-json";
import { queryKeys } from "@/components/api/query-keys";
import { snapshotPollInterval } from "./poll-interval";

/** The polled snapshot of one application; polling pauses while the tab is hidden (react-query default). */
export function useSnapshot(appId: string, rangeMinutes: number) {
  return useQuery({
    queryKey: queryKeys.snapshot(appId, rangeMinutes),
    queryFn: ({ signal }) => fetchJson<AppSnapshot>(`/api/apps/${encodeURIComponent(appId)}/snapshot?range=${rangeMinutes}`, signal),
    refetchInterval: (query) => snapshotPollInterval(query.state.data, query.state.error),
    placeholderData: keepPreviousData,
  });
}
