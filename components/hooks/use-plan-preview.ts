"use client";

import { useQuery } from "@tanstack/react-query";
import type { Intent, PlanPreview } from "@/lib/domain/types";
import { fetchJson } from "@/components/api/fetch-json";
import { queryKeys } from "@/components/api/query-keys";

/** Any intent a confirm dialog can preview, or re-asserting the last successful operation's end state. */
export type PlanRequest = Intent | { kind: "reassert" };

/** The query string of a plan preview for one intent (the route's schema, one field per intent). */
export function planParams(request: PlanRequest): URLSearchParams {
  const params = new URLSearchParams({ intent: request.kind });
  switch (request.kind) {
    case "shift":
      params.set("greenPercent", String(request.greenPercent));
      break;
    case "standby-enter":
    case "standby-exit":
      params.set("color", request.color);
      if (request.instanceIds && request.instanceIds.length > 0) params.set("instanceIds", request.instanceIds.join(","));
      break;
    case "scale-green":
      params.set("capacity", String(request.capacity));
      break;
    case "deploy-revision":
      params.set("taskDefinition", request.taskDefinition);
      break;
    case "rollback":
      if (request.taskDefinition !== undefined) params.set("taskDefinition", request.taskDefinition);
      break;
    case "promote":
    case "reassert":
      break;
  }
  return params;
}

export function planUrl(appId: string, request: PlanRequest): string {
  return `/api/apps/${encodeURIComponent(appId)}/plan?${planParams(request).toString()}`;
}

/**
 * The plan preview shown in a confirm dialog. It is fetched once when the dialog opens and never
 * polled: the version it carries is the one the person confirmed, so a change in between is refused
 * by the server as stale rather than silently re-planned.
 */
export function usePlanPreview(appId: string, request: PlanRequest) {
  const query = planParams(request).toString();
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
