"use client";

import { useState } from "react";
import type { AppState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import { keptWarmOf } from "@/lib/domain/kept-warm";
import { healthFigure, trafficFigure } from "@/lib/domain/figures";
import { EnvironmentColumn } from "@/components/env/environment-column";
import { StandbyBar } from "@/components/controls/standby-bar";

interface EnvironmentsSectionProps {
  appId: string;
  state: AppState;
  /** The pattern offers standby and the person may use it. */
  standby: boolean;
  busy: boolean;
  onStarted: (message: string) => void;
}

const NONE: Record<Color, string[]> = { blue: [], green: [] };

/** Blue and green side by side; with standby, each column gets row checkboxes and its standby bar. */
export function EnvironmentsSection({ appId, state, standby, busy, onStarted }: EnvironmentsSectionProps) {
  const [selected, setSelected] = useState<Record<Color, string[]>>(NONE);
  const traffic = trafficFigure(state);
  const green = traffic.kind === "split" ? traffic.configuredGreenPercent : state.configured.greenPercent;
  const observed = traffic.kind === "split" ? traffic.observedGreenPercent : null;

  function toggle(color: Color, id: string) {
    setSelected((prev) => ({
      ...prev,
      [color]: prev[color].includes(id) ? prev[color].filter((x) => x !== id) : [...prev[color], id],
    }));
  }

  function column(color: Color) {
    const env = state.environments[color];
    // Instances that left the group since they were ticked drop out of the selection.
    const present = selected[color].filter((id) => env.instances.some((i) => i.id === id));
    return (
      <EnvironmentColumn
        env={env}
        keptWarm={keptWarmOf(state, color)}
        health={healthFigure(state, color)}
        configuredPercent={color === "green" ? green : 100 - green}
        observedPercent={observed === null ? null : color === "green" ? observed : 100 - observed}
        selection={standby ? { selected: new Set(present), onToggle: (id) => toggle(color, id) } : undefined}
        tools={
          standby ? (
            <StandbyBar
              appId={appId}
              env={env}
              selected={present}
              busy={busy}
              onClearSelection={() => setSelected((prev) => ({ ...prev, [color]: [] }))}
              onStarted={(id) => onStarted(`Standby change started: operation ${id}`)}
            />
          ) : undefined
        }
      />
    );
  }

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      {column("blue")}
      {column("green")}
    </div>
  );
}
