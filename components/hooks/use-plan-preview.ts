"use client";

import { useQuery } from "@tanstack/react-query";
import type { IntentKind, PlanPreview } from "@/lib/domain/types";
import { fetchJson } from "@/components/api/fetch-json";
import { queryKeys } from "@/components/api/query-keys";

export type PlanRequest = { kind: "shift"; greenPercent: number } | { kind: Exclude<IntentKind, "shift"> };

export function planUrl(appId: string, request: PlanRequest): string {
  const params = new URLSearchParams({ intent: request.kind });
  if (request.kind === "shift") params.set("greenPercent", String(request.greenPercent));
  return `/api/apps/${encodeURIComponent(appId)}/plan?${params.toString()}`;
}

/**
 * The plan preview shown in a confirm dialog. It is fetched once when the dialog opens and never
 * polled: the version it carries is the one the person confirmed, so a change in between is refused
 * by the server as stale rather than silently re-planned.
 */
export function usePlanPreview(appId: string, request: PlanRequest) {
  return useQuery({
    queryKey: queryKeys.plan(appId, request.kind, request.kind === "shift" ? request.greenPercent : null),
    queryFn: ({ signal }) => fetchJson<PlanPreview>(planUrl(appId, request), signal),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchInterval: false,
  });
}
