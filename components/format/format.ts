/** Display formatting shared by the console. Pure functions: no clock, no locale surprises. */

/** "25 %" — percentages are whole numbers in the UI; null reads as an em dash. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${Math.round(value)} %`;
}

/** "45 s", "2 min 5 s", "1 h 3 min" for a duration in seconds. */
export function formatDurationSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Duration between two ISO timestamps; when `end` is null the step is still running and `now` closes it. */
export function formatElapsed(startIso: string | null, endIso: string | null, nowIso: string): string {
  if (!startIso) return "—";
  const start = Date.parse(startIso);
  const end = Date.parse(endIso ?? nowIso);
  if (Number.isNaN(start) || Number.isNaN(end)) return "—";
  const ms = Math.max(0, end - start);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDurationSeconds(ms / 1000);
}

/** "12 s ago", "3 min ago" relative to `nowMs`. */
export function formatAgo(thenIso: string | null, nowMs: number): string {
  if (!thenIso) return "—";
  const then = Date.parse(thenIso);
  if (Number.isNaN(then)) return "—";
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 5) return "just now";
  return `${formatDurationSeconds(seconds)} ago`;
}

/** Times: one clock (UTC, labelled) for the whole console; see time.ts. */
export { formatAxisTime, formatClock, formatDateTime, localTimeTitle } from "./time";

/** Thousands separated with a thin space, e.g. "12 345". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  const [int = "0", frac] = String(Math.abs(rounded)).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
  return `${rounded < 0 ? "−" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/** A latency given in seconds, shown in ms below one second. */
export function formatLatency(seconds: number): string {
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  return `${(Math.round(seconds * 100) / 100).toFixed(2)} s`;
}

/** Human label for a pattern id. */
export function patternLabel(pattern: string): string {
  switch (pattern) {
    case "dns-weighted":
      return "DNS weighted";
    case "asg-swap":
      return "ASG swap";
    case "launch-swap":
      return "Launch config swap";
    case "ecs-dns-swap":
      return "ECS DNS swap";
    case "ecs-elb-swap":
      return "ECS ELB swap";
    case "ecs-rolling":
      return "ECS rolling";
    case "alb-weighted":
      return "ALB weighted";
    default:
      return pattern;
  }
}
