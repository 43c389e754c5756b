/**
 * History shows times in UTC, as its filters take them: one unambiguous clock for everyone reading
 * an audit trail, whatever their time zone. Pure.
 */

/** "2025-03-01 10:00:05 UTC"; an unreadable time reads as an em dash. */
export function formatUtc(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The value of a `datetime-local` input (minutes, UTC) for an ISO time, or "" when none. */
export function toUtcInputValue(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 16);
}
