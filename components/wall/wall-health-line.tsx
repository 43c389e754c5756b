import type { Color } from "@/lib/domain/basics";
import type { WallColorHealth, WallHealthWord } from "@/lib/domain/wall";
import { COLOR_NAME, COLOR_SHAPE } from "@/components/env/color-shape";
import { formatDurationSeconds } from "@/components/format/format";

/**
 * Whether a tile says how old its health is: when the health is older than the rest of the tile's
 * data by a refresh or more. An application nobody has open takes its load balancer health every
 * few idle refreshes (`healthAgeMs`, absent when this refresh read it).
 */
export function healthAgeShown(app: { healthAgeMs?: number | undefined; refreshMs?: number | undefined }): number | null {
  if (app.healthAgeMs === undefined) return null;
  return app.healthAgeMs >= (app.refreshMs ?? 0) ? app.healthAgeMs : null;
}

/** Status colours only: a colour starting or draining is a planned step (sky), not an outage (rose). */
const LOOK: Record<WallHealthWord, { icon: string; word: string | null; text: string }> = {
  healthy: { icon: "✓", word: null, text: "text-emerald-800 dark:text-emerald-300" },
  degraded: { icon: "!", word: "degraded", text: "text-amber-800 dark:text-amber-300" },
  down: { icon: "✕", word: "down", text: "text-rose-700 dark:text-rose-300" },
  starting: { icon: "↑", word: "starting", text: "text-sky-800 dark:text-sky-300" },
  draining: { icon: "↓", word: "draining", text: "text-sky-800 dark:text-sky-300" },
  standby: { icon: "◌", word: "standby", text: "text-slate-700 dark:text-slate-300" },
  none: { icon: "–", word: "none", text: "text-slate-700 dark:text-slate-300" },
  unknown: { icon: "?", word: "unknown", text: "text-slate-700 dark:text-slate-300" },
};

function ColorHealth({ color, health }: { color: Color; health: WallColorHealth | null }) {
  const look = LOOK[health?.word ?? "unknown"];
  const label = health
    ? `${COLOR_NAME[color]}: ${health.healthy} of ${health.total} serving, ${look.word ?? "healthy"}`
    : `${COLOR_NAME[color]}: unknown`;
  return (
    <span role="img" aria-label={label} data-health={health?.word ?? "unknown"} className="inline-flex items-baseline gap-2 whitespace-nowrap">
      <span aria-hidden="true" className="font-bold">
        {COLOR_SHAPE[color]}
      </span>
      {health && health.total > 0 ? <span aria-hidden="true" className="tabular-nums">{`${health.healthy}/${health.total}`}</span> : null}
      <span aria-hidden="true" className={`font-bold ${look.text}`}>
        {look.icon}
        {look.word ? ` ${look.word}` : ""}
      </span>
    </span>
  );
}

/**
 * Both colours' capacity on one line (wrapping when a word needs the room): shape, serving/total,
 * state; and how old that health is, when given (`ageMs`, see healthAgeShown).
 */
export function WallHealthLine({ health, ageMs }: { health: Record<Color, WallColorHealth> | null; ageMs?: number | undefined }) {
  const age = health !== null && ageMs !== undefined ? formatDurationSeconds(ageMs / 1000) : null;
  return (
    <p className="flex flex-wrap gap-x-6 text-[32px] leading-tight">
      <ColorHealth color="blue" health={health?.blue ?? null} />
      <ColorHealth color="green" health={health?.green ?? null} />
      {age !== null ? (
        <span data-testid="wall-health-age" className="whitespace-nowrap text-slate-700 tabular-nums dark:text-slate-300">
          health read {age} ago
        </span>
      ) : null}
    </p>
  );
}
