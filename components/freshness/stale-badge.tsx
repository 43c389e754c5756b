import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import type { Tone } from "@/components/operation/operation-status";

interface StaleAwareBadgeProps {
  tone: Tone;
  icon: ReactNode;
  label: string;
  /** This figure's own read is old (e.g. one application's AWS data on the overview). */
  stale: boolean;
}

function StaleBadge() {
  return (
    <Badge tone="neutral">
      <span aria-hidden="true">?</span>
      Stale
    </Badge>
  );
}

/**
 * A status badge that never claims "Healthy" in calm green on old data: it reads "Stale" when its
 * own read is old, or when the `FreshnessFrame` around it is stale (switched by CSS, so the frame's
 * clock does not re-render the page).
 */
export function StaleAwareBadge({ tone, icon, label, stale }: StaleAwareBadgeProps) {
  if (stale) return <StaleBadge />;
  return (
    <>
      <span className="contents group-data-[stale=true]/fresh:hidden">
        <Badge tone={tone}>
          <span aria-hidden="true">{icon}</span>
          {label}
        </Badge>
      </span>
      <span className="hidden group-data-[stale=true]/fresh:contents">
        <StaleBadge />
      </span>
    </>
  );
}
