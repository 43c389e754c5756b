import type { WallOperation } from "@/lib/domain/wall";
import { operationStatusLook } from "@/components/operation/operation-status";

/** The operation in flight: status, step k of n and its title, what it does and who started it. */
export function WallOperationLine({ operation }: { operation: WallOperation }) {
  const look = operationStatusLook(operation.status);
  const running = operation.status === "running" || operation.status === "pending";
  return (
    <div className="rounded-lg border-2 border-sky-400 bg-sky-950 px-3 py-2 text-sky-50">
      <p className="flex items-baseline justify-between gap-3 text-xl font-bold">
        <span className="flex items-baseline gap-2">
          <span aria-hidden="true" className={running ? "inline-block animate-spin" : undefined}>
            {look.icon}
          </span>
          {look.label}
        </span>
        {operation.steps > 0 ? (
          <span className="tabular-nums">
            step {operation.step} of {operation.steps}
          </span>
        ) : null}
      </p>
      <p className="truncate text-lg">{operation.summary}</p>
      <p className="truncate text-base text-sky-200">
        by {operation.actorEmail}
        {operation.stepTitle ? ` · ${operation.stepTitle}` : ""}
      </p>
    </div>
  );
}
