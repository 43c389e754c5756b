"use client";

import { useQuery } from "@tanstack/react-query";
import type { PlanPreview } from "@/lib/domain/plan";
import type { PlanRequest } from "@/lib/domain/intent";
import { planQuery } from "@/lib/domain/plan-query";
import { fetchJson } from "@/components/api/fetch-json";
import { queryKeys } from "@/components/api/query-keys";

/** Any intent a confirm dialog can preview, or re-asserting the last successful operation's end state: the intent schema's type. */
export type { PlanRequest };

export function planUrl(appId: string, request: PlanRequest): string {
  return `/api/apps/${encodeURIComponent(appId)}/plan?${planQuery(request).toString()}`;
}

/**
 * The plan preview shown in a confirm dialog. It is fetched once when the dialog opens and never
 * polled: the version it carries is the one the person confirmed, so a change in between is refused
 * by the server as stale rather than silently re-planned.
 */
export function usePlanPreview(appId: string, request: PlanRequest) {
  const query = planQuery(request).toString();
  return useQuery({
    // The whole query string tells two standby selections (or two revisions) apart.
    queryKey: [...queryKeys.plan(appId, request.kind, request.kind === "shift" ? request.greenPercent : null), query],
    queryFn: ({ signal }) => fetchJson<PlanPreview>(planUrl(appId, request), signal),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchInterval: false,
  });
}
