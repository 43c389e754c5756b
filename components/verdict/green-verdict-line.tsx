import { windowLabel, type GreenVerdict } from "@/lib/domain/green-verdict";
import { Badge } from "@/components/ui/badge";
import { VERDICT_LOOK } from "./verdict-look";

interface GreenVerdictLineProps {
  verdict: GreenVerdict;
  /** "sm" on the overview card; the header is the default size. */
  size?: "md" | "sm";
}

/**
 * Green against blue at a glance: the status (coloured by what it means), both figures side by
 * side and the window they cover. The detail is in the tooltip.
 */
export function GreenVerdictLine({ verdict, size = "md" }: GreenVerdictLineProps) {
  const look = VERDICT_LOOK[verdict.status];
  const window = windowLabel(verdict);
  return (
    <p
      data-verdict={verdict.status}
      title={verdict.detail}
      className={`flex flex-wrap items-center gap-x-2 gap-y-1 ${size === "sm" ? "text-xs" : "text-sm"} text-slate-600 dark:text-slate-400`}
    >
      <Badge tone={look.tone} className={size === "md" ? "text-sm" : ""}>
        <span aria-hidden="true">{look.icon}</span>
        {verdict.label}
      </Badge>
      {verdict.figures ? <span className="tabular-nums text-slate-800 dark:text-slate-200">{verdict.figures}</span> : null}
      {window ? <span className="text-slate-500 dark:text-slate-400">· {window}</span> : null}
      {verdict.status === "unavailable" ? <span className="text-slate-500 dark:text-slate-400">{verdict.detail}</span> : null}
    </p>
  );
}
