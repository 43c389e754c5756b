import type { TrafficSettle } from "@/lib/domain/traffic-settle";
import { Badge } from "@/components/ui/badge";
import { settleLook } from "./settle-look";

/** The settle phase's badge beside the operation's status: "⇢ Draining" or "✓ Settled". */
export function SettleBadge({ settle, nowIso }: { settle: TrafficSettle; nowIso: string }) {
  const { look } = settleLook(settle, Date.parse(nowIso));
  return (
    <Badge tone={look.tone}>
      <span aria-hidden="true">{look.icon}</span>
      <span className="sr-only">Traffic: </span>
      {look.label}
    </Badge>
  );
}

const BOX: Record<TrafficSettle["phase"], string> = {
  draining: "border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950/50 dark:text-sky-100",
  settled: "border-emerald-200 bg-emerald-50 text-emerald-950 dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-100",
  unmeasured: "border-slate-200 bg-slate-50 text-slate-800 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-200",
};

/** After the calls: whether traffic has followed, how much is still on the old side, and until when. */
export function SettleSection({ settle, nowIso }: { settle: TrafficSettle; nowIso: string }) {
  const { look, headline, figures, estimate } = settleLook(settle, Date.parse(nowIso));
  const overdue = settle.phase === "draining" && settle.overdue;
  return (
    <section
      aria-label="Traffic after the calls"
      data-testid="operation-settle"
      className={`rounded border px-2.5 py-2 text-xs ${overdue ? BOX.unmeasured : BOX[settle.phase]}`}
    >
      <p className="flex items-baseline gap-1.5 text-sm font-semibold">
        <span aria-hidden="true">{look.icon}</span>
        <span>{look.label}:</span>
        <span className="font-medium">{headline}</span>
      </p>
      {figures ? (
        <p className="mt-0.5 tabular-nums">
          {figures.split(" · ").map((part) => (
            <span key={part} className="block">
              {part}
            </span>
          ))}
        </p>
      ) : null}
      {estimate ? <p className="mt-0.5 tabular-nums">{estimate}</p> : null}
    </section>
  );
}
