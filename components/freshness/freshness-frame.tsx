"use client";

import type { ReactNode } from "react";
import { useNow } from "@/components/hooks/use-now";
import type { FreshnessInput } from "@/components/wall/wall-freshness";
import { isDegraded, pageFreshness } from "./freshness";
import { StaleBanner } from "./stale-banner";
import { formatDurationSeconds } from "@/components/format/format";

interface FreshnessFrameProps {
  /** Everything the derivation needs but the clock: this frame ticks on its own, once a second. */
  input: Omit<FreshnessInput, "nowMs"> & { sinceMs?: number };
  /** Stays bright (the title and Roll back): it comes from the configuration, not from AWS. */
  header?: ReactNode;
  /** The page's body; its panels read from AWS carry `STALE_DIM` to turn grey while stale. */
  children: ReactNode;
  className?: string;
  /** While fresh, say so in one quiet line ("Updated 3 s ago · refreshes every 5 s"). */
  freshNote?: boolean;
  /** Classes of the body. */
  bodyClassName?: string;
}

/**
 * Classes for a panel of figures read from AWS inside a `FreshnessFrame`: drained of its status
 * colours while the frame is stale (a calm green "Healthy" must not survive an old read), its text
 * left at full contrast. It was also faded to 55 % opacity, which took grey figures below WCAG's
 * 4.5:1 (axe, both themes): stale figures are exactly the ones a person must read, age and all.
 */
export const STALE_DIM = "transition-[filter] group-data-[stale=true]/fresh:grayscale";

/**
 * The stale banner and the dimming of a page's AWS figures, from the one freshness rule. The frame
 * carries `data-stale`, so a status badge anywhere inside can turn itself grey
 * (`group-data-[stale=true]/fresh:…`), and it re-renders alone each second: the children passed in
 * are the page's own elements and are not rebuilt by its clock.
 */
export function FreshnessFrame({ input, header, children, freshNote = false, className = "", bodyClassName = "" }: FreshnessFrameProps) {
  const nowMs = useNow(1000);
  const freshness = pageFreshness({ ...input, nowMs });
  const degraded = isDegraded(freshness);
  return (
    <div className={`group/fresh ${className}`} data-stale={degraded ? "true" : "false"} data-freshness={freshness.kind}>
      {header}
      <StaleBanner freshness={freshness} nowMs={nowMs} />
      {freshNote && freshness.kind === "fresh" ? (
        <p className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
          <span aria-hidden="true" className="mr-1.5 inline-block size-1.5 rounded-full bg-emerald-500 align-middle" />
          Updated {freshness.ageMs < 1500 ? "just now" : `${formatDurationSeconds(freshness.ageMs / 1000)} ago`} · refreshes every{" "}
          {formatDurationSeconds(input.pollMs / 1000)}
        </p>
      ) : null}
      <div className={bodyClassName}>{children}</div>
    </div>
  );
}
