import type { TrafficSettle } from "@/lib/domain/traffic-settle";
import { formatClock, formatCount, formatDurationSeconds, formatPercent } from "@/components/format/format";
import type { StatusLook } from "./operation-status";

/** How the settle phase reads: a badge, and the lines under it. */
export interface SettleLook {
  look: StatusLook;
  /** One line: what traffic does now. */
  headline: string;
  /** The figures, with the window they were measured over. */
  figures: string | null;
  /** Draining: when it should be done, and why; settled: how long after the calls. */
  estimate: string | null;
}

const DRAINING: StatusLook = { label: "Draining", tone: "info", icon: "⇢" };
const OVERDUE: StatusLook = { label: "Draining", tone: "warning", icon: "⇢" };
const SETTLED: StatusLook = { label: "Settled", tone: "success", icon: "✓" };
const UNMEASURED: StatusLook = { label: "Traffic not measured", tone: "neutral", icon: "–" };

/** "observed 38 % green, minute 12:10–12:11" (the window the figure covers). */
function observedText(settle: TrafficSettle): string | null {
  const o = settle.observed;
  if (!o) return null;
  const minutes = Math.round((o.toMs - o.fromMs) / 60_000);
  const window = `${minutes === 1 ? "minute" : `${minutes} min`} ${formatClock(o.fromMs).slice(0, 5)}–${formatClock(o.toMs).slice(0, 5)}`;
  return `observed ${formatPercent(o.greenPercent)} green, ${window}`;
}

/** The settle phase of the operation in the console's words. Pure: `nowMs` is the snapshot's time. */
export function settleLook(settle: TrafficSettle, nowMs: number): SettleLook {
  const target = `configured ${formatPercent(settle.targetGreenPercent)} green ±${settle.tolerancePoints} points`;
  const observed = observedText(settle);
  switch (settle.phase) {
    case "draining": {
      const side = settle.oldSide === "green" ? "green" : "blue";
      const excess = settle.excessPerMinute !== null && settle.excessPerMinute > 0 ? formatCount(settle.excessPerMinute) : null;
      const headline =
        excess === null
          ? "calls done; no minute after them is measured yet"
          : settle.measuredSinceCalls
            ? `${excess} req/min still on ${side}`
            : `${excess} req/min on ${side} before the calls; no minute after them is measured yet`;
      const remainingS = (Date.parse(settle.expectedAt) - nowMs) / 1000;
      const estimate = settle.overdue
        ? `Taking longer than expected (by ${formatClock(settle.expectedAt)}: ${settle.basis})`
        : remainingS > 0
          ? `About ${formatDurationSeconds(Math.max(5, Math.round(remainingS / 5) * 5))} more: ${settle.basis}`
          : `Any moment now: ${settle.basis}`;
      return { look: settle.overdue ? OVERDUE : DRAINING, headline, figures: [observed, target].filter(Boolean).join(" · "), estimate };
    }
    case "settled": {
      const headline =
        settle.afterMs === null
          ? "Traffic follows the configured split"
          : settle.afterMs === 0
            ? "Traffic followed as the calls ended"
            : `Traffic settled within ${formatDurationSeconds(settle.afterMs / 1000)} of the calls`;
      const when = settle.settledAt ? `by ${formatClock(settle.settledAt)}${settle.recorded ? " (recorded)" : ""}` : null;
      return { look: SETTLED, headline, figures: [observed, target].filter(Boolean).join(" · "), estimate: when };
    }
    case "unmeasured":
      return { look: UNMEASURED, headline: settle.reason, figures: target, estimate: null };
  }
}
