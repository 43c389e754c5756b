import type { AppState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import { Panel } from "@/components/ui/panel";
import { COLOR_NAME, ColorShape } from "@/components/env/color-shape";
import { COLORS } from "@/lib/domain/basics";

type AlbView = NonNullable<AppState["alb"]>;

/** The last part of an ARN ("targetgroup/name/id" → "name"), for display only. */
function shortArn(arn: string, part: "listener" | "rule" | "targetgroup"): string {
  const pieces = arn.split("/");
  if (part === "targetgroup") return pieces[pieces.length - 2] ?? arn;
  return pieces.slice(-3).join("/");
}

/** The ALB listener (or rule) whose forward action Teal weights, and both target groups with their weights. */
export function AlbPanel({ alb }: { alb: AlbView }) {
  const total = alb.weights.blue + alb.weights.green;
  const share = (c: Color) => (total === 0 ? 0 : Math.round((alb.weights[c] / total) * 1000) / 10);
  return (
    <Panel
      title="Application Load Balancer"
      headingId="alb-heading"
      meta={
        <>
          <span className="font-mono">{alb.loadBalancerName}</span> · {alb.ruleArn ? "listener rule" : "listener default action"}
        </>
      }
    >
      <dl className="mb-3 grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-xs">
        <dt className="text-slate-500 dark:text-slate-400">Listener</dt>
        <dd className="truncate font-mono text-slate-700 dark:text-slate-300" title={alb.listenerArn}>
          {shortArn(alb.listenerArn, "listener")}
        </dd>
        {alb.ruleArn ? (
          <>
            <dt className="text-slate-500 dark:text-slate-400">Rule</dt>
            <dd className="truncate font-mono text-slate-700 dark:text-slate-300" title={alb.ruleArn}>
              {shortArn(alb.ruleArn, "rule")}
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500 dark:text-slate-400">Stickiness</dt>
        <dd className="text-slate-700 dark:text-slate-300">
          {alb.stickiness?.enabled
            ? `On for ${alb.stickiness.durationSeconds} s — clients already pinned keep their target group until it expires`
            : "Off"}
        </dd>
      </dl>
      <table className="w-full text-left text-xs">
        <caption className="sr-only">Target groups of the forward action</caption>
        <thead className="text-slate-500 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="py-1.5 pr-2 font-medium">
              Colour
            </th>
            <th scope="col" className="py-1.5 pr-2 font-medium">
              Target group
            </th>
            <th scope="col" className="py-1.5 pr-2 text-right font-medium">
              Weight
            </th>
            <th scope="col" className="py-1.5 text-right font-medium">
              Share
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
          {COLORS.map((c) => (
            <tr key={c} className="text-slate-800 dark:text-slate-200">
              <td className="py-1.5 pr-2">
                <span className="flex items-center gap-1.5">
                  <ColorShape color={c} />
                  {COLOR_NAME[c]}
                </span>
              </td>
              <td className="truncate py-1.5 pr-2 font-mono text-[11px]" title={alb.targetGroupArns[c]}>
                {shortArn(alb.targetGroupArns[c], "targetgroup")}
              </td>
              <td className="py-1.5 pr-2 text-right tabular-nums">{alb.weights[c]}</td>
              <td className="py-1.5 text-right tabular-nums">{share(c)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
