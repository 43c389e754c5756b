import type { StatusLook } from "@/components/operation/operation-status";

const ROLLOUT: Record<string, StatusLook> = {
  IN_PROGRESS: { label: "In progress", tone: "info", icon: "◔" },
  COMPLETED: { label: "Completed", tone: "success", icon: "✓" },
  FAILED: { label: "Failed", tone: "danger", icon: "✕" },
  NONE: { label: "No deployment", tone: "neutral", icon: "–" },
};

/** ECS rollout state as label, tone and glyph; an unknown or absent state says so instead of guessing. */
export function rolloutLook(state: string | null | undefined): StatusLook {
  if (!state) return { label: "Not reported", tone: "neutral", icon: "?" };
  return ROLLOUT[state] ?? { label: state, tone: "neutral", icon: "?" };
}

const DEPLOYMENT_ORDER: Record<string, number> = { PRIMARY: 0, ACTIVE: 1, INACTIVE: 2 };

/** Deployments in the order a responder reads them: PRIMARY, then ACTIVE, then INACTIVE; newest first within each. */
export function orderDeployments<T extends { status: string; createdAt: string | null }>(deployments: readonly T[]): T[] {
  return [...deployments].sort((a, b) => {
    const rank = (DEPLOYMENT_ORDER[a.status] ?? 3) - (DEPLOYMENT_ORDER[b.status] ?? 3);
    return rank !== 0 ? rank : (b.createdAt ?? "").localeCompare(a.createdAt ?? "");
  });
}

/** "Good: one load balancer…" → rating "Good" and the rest; text without a rating keeps it whole. */
export function splitRating(text: string): { rating: "Good" | "Fair" | "Poor" | null; detail: string } {
  const match = /^(Good|Fair|Poor)(?: (until [^:]+))?:\s*/.exec(text);
  if (!match) return { rating: null, detail: text };
  const rest = text.slice(match[0].length);
  // A qualified rating ("Good until promote") keeps its qualifier in the text.
  const detail = match[2] ? `${match[2].charAt(0).toUpperCase()}${match[2].slice(1)}: ${rest}` : rest;
  return { rating: match[1] as "Good" | "Fair" | "Poor", detail };
}
