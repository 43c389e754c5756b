/**
 * The console's one clock: every time it shows is UTC and says so ("14:03:12 UTC"), on the
 * application page, the events feeds, the operation panel, history, the charts and the wall, so
 * two people (or two screens) reading the same operation read the same time. The viewer's own
 * local time is only offered on hover (`localTimeTitle`). Pure, apart from the viewer's zone in
 * `localTimeTitle`.
 */

const pad = (n: number): string => String(n).padStart(2, "0");

function toDate(at: string | number | null | undefined): Date | null {
  if (at === null || at === undefined || at === "") return null;
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "14:03:12 UTC"; an unreadable or missing time reads as an em dash. */
export function formatClock(at: string | number | null | undefined): string {
  const d = toDate(at);
  if (!d) return "—";
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** "14:03" in UTC, for chart axis ticks (the axis carries one "UTC" label of its own). */
export function formatAxisTime(at: number): string {
  const d = toDate(at);
  if (!d) return "";
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2025-03-01 10:00:05 UTC": date and time, for history and audit rows. */
export function formatDateTime(at: string | number | null | undefined): string {
  const d = toDate(at);
  if (!d) return "—";
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${formatClock(d.getTime())}`;
}

/** The value of a `datetime-local` input (minutes, UTC) for an ISO time, or "" when none. */
export function toUtcInputValue(iso: string | undefined): string {
  const d = toDate(iso);
  return d ? d.toISOString().slice(0, 16) : "";
}

/**
 * The same instant in the viewer's own zone, for a hover title: "Local time: 1 Mar 2025, 11:00:05 CET".
 * `timeZone` is for tests; the browser's zone by default.
 */
export function localTimeTitle(at: string | number | null | undefined, timeZone?: string): string {
  const d = toDate(at);
  if (!d) return "";
  const text = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    timeZoneName: "short",
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
  return `Local time: ${text}`;
}
