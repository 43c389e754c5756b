import type { EcsEventView } from "@/lib/domain/app-state";
import { formatClock, localTimeTitle } from "@/components/format/format";

interface EcsEventsFeedProps {
  events: readonly EcsEventView[];
  /** Accessible name of the scrollable list, e.g. "orders-blue events". */
  label: string;
}

/**
 * The service's events newest first, as ECS returns them. The list scrolls inside a fixed height
 * and takes focus, so a keyboard user can scroll back through a long rollout.
 */
export function EcsEventsFeed({ events, label }: EcsEventsFeedProps) {
  if (events.length === 0) return <p className="text-xs text-slate-500 dark:text-slate-400">No events yet.</p>;
  return (
    <ol
      aria-label={label}
      tabIndex={0}
      className="max-h-48 space-y-1 overflow-y-auto rounded border border-slate-200 bg-slate-50 p-2 text-xs outline-none focus-visible:ring-2 focus-visible:ring-teal-600 dark:border-slate-800 dark:bg-slate-950/50"
    >
      {events.map((event) => (
        <li key={event.id} className="flex gap-2">
          <time
            dateTime={event.at}
            className="shrink-0 font-mono text-[11px] text-slate-500 tabular-nums dark:text-slate-400"
            title={localTimeTitle(event.at)}
          >
            {formatClock(event.at)}
          </time>
          <span className="min-w-0 break-words text-slate-700 dark:text-slate-300">{event.message}</span>
        </li>
      ))}
    </ol>
  );
}
