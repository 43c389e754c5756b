"use client";

import { useState } from "react";
import type { Color } from "@/lib/domain/basics";
import type { EnvironmentState } from "@/lib/domain/app-state";
import { standby } from "@/lib/actions/standby";
import { buttonClass } from "@/components/ui/button-styles";
import { COLOR_NAME } from "@/components/env/color-shape";
import { IntentDialog } from "./intent-dialog";

interface StandbyBarProps {
  appId: string;
  env: EnvironmentState;
  /** Instances ticked in the table below. */
  selected: readonly string[];
  busy: boolean;
  onStarted: (operationId: string) => void;
  onClearSelection: () => void;
}

type Move = { direction: "enter" | "exit"; instanceIds: string[] | null };

/**
 * Standby for one colour: the ticked instances, or every instance of the colour at once. Each move
 * opens the plan (which instances, the exact Auto Scaling calls) before anything changes.
 */
export function StandbyBar({ appId, env, selected, busy, onStarted, onClearSelection }: StandbyBarProps) {
  const [move, setMove] = useState<Move | null>(null);
  const color: Color = env.color;
  const name = COLOR_NAME[color];
  const lifecycleOf = new Map(env.instances.map((i) => [i.id, i.lifecycle]));
  const pickedIn = selected.filter((id) => lifecycleOf.get(id) === "InService");
  const pickedOut = selected.filter((id) => lifecycleOf.get(id) === "Standby");
  const inService = env.instances.filter((i) => i.lifecycle === "InService").length;
  const inStandby = env.instances.filter((i) => i.lifecycle === "Standby").length;

  const intent = move
    ? move.instanceIds
      ? { kind: move.direction === "enter" ? ("standby-enter" as const) : ("standby-exit" as const), color, instanceIds: move.instanceIds }
      : { kind: move.direction === "enter" ? ("standby-enter" as const) : ("standby-exit" as const), color }
    : null;
  const count = move?.instanceIds ? move.instanceIds.length : null;

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`${name} standby`}>
      <span className="mr-1 text-xs font-medium text-slate-600 dark:text-slate-400">Standby</span>
      {selected.length > 0 ? (
        <>
          <button
            type="button"
            className={buttonClass("secondary", "sm")}
            disabled={busy || pickedIn.length === 0}
            onClick={() => setMove({ direction: "enter", instanceIds: pickedIn })}
          >
            <span aria-hidden="true">‖</span> Selected into standby ({pickedIn.length})
          </button>
          <button
            type="button"
            className={buttonClass("secondary", "sm")}
            disabled={busy || pickedOut.length === 0}
            onClick={() => setMove({ direction: "exit", instanceIds: pickedOut })}
          >
            <span aria-hidden="true">▶</span> Selected back in service ({pickedOut.length})
          </button>
          <button type="button" className={buttonClass("ghost", "sm")} onClick={onClearSelection}>
            Clear selection
          </button>
        </>
      ) : (
        <>
          <button
            type="button"
            className={buttonClass("secondary", "sm")}
            disabled={busy || inService === 0}
            onClick={() => setMove({ direction: "enter", instanceIds: null })}
          >
            <span aria-hidden="true">‖</span> All {name.toLowerCase()} into standby
          </button>
          <button
            type="button"
            className={buttonClass("secondary", "sm")}
            disabled={busy || inStandby === 0}
            onClick={() => setMove({ direction: "exit", instanceIds: null })}
          >
            <span aria-hidden="true">▶</span> All {name.toLowerCase()} back in service
          </button>
        </>
      )}
      {move && intent ? (
        <IntentDialog
          appId={appId}
          intent={intent}
          title={`${move.direction === "enter" ? "Put" : "Take"} ${count === null ? `all ${name.toLowerCase()} instances` : `${count} ${name.toLowerCase()} instance${count === 1 ? "" : "s"}`} ${move.direction === "enter" ? "into Standby" : "out of Standby"}`}
          confirmLabel={move.direction === "enter" ? "Confirm standby" : "Confirm return to service"}
          start={({ expectedVersion, reason }) =>
            standby({
              appId,
              direction: move.direction,
              color,
              ...(move.instanceIds ? { instanceIds: move.instanceIds } : {}),
              expectedVersion,
              reason,
            })
          }
          onClose={() => setMove(null)}
          onStarted={(id) => {
            setMove(null);
            onClearSelection();
            onStarted(id);
          }}
        />
      ) : null}
    </div>
  );
}
