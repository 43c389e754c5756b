/**
 * History shows times as the rest of the console does: UTC, labelled (components/format/time.ts).
 * Kept as the history components' import path.
 */
import { formatDateTime } from "@/components/format/time";

export { toUtcInputValue } from "@/components/format/time";

/** "2025-03-01 10:00:05 UTC"; an unreadable time reads as an em dash. */
export function formatUtc(iso: string | null): string {
  return formatDateTime(iso);
}
