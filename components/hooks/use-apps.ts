"use client";

import { useQuery } from "@tanstack/react-query";
import type { AppSummary } from "@/lib/domain/snapshot";
import { fetchJson } from "@/components/api/fetch-json";
import { isAuthError } from "@/components/api/http-error";
import { queryKeys } from "@/components/api/query-keys";
import { POLL_MS } from "./poll-interval";

/** All applications for the overview, polled every 5 s. */
export function useApps() {
  return useQuery({
    queryKey: queryKeys.apps(),
    queryFn: async ({ signal }) => (await fetchJson<{ apps: AppSummary[] }>("/api/apps", signal)).apps,
    refetchInterval: (query) => (isAuthError(query.state.error) ? false : POLL_MS),
  });
}
