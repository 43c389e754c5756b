"use client";

import type { AppSnapshot } from "@/lib/domain/snapshot";
import { Panel } from "@/components/ui/panel";
import { TrafficControls } from "./traffic-controls";
import { ScaleGreenControl } from "./scale-green-control";
import { DeployRevisionControl } from "./deploy-revision-control";

interface PatternControlsProps {
  appId: string;
  pattern: AppSnapshot["pattern"];
  state: AppSnapshot["state"];
  busy: boolean;
  onStarted: (message: string) => void;
}

/**
 * The operator's controls for the application's pattern, from what the pattern says it can do:
 * the traffic slider (snapped to the live granularity) and Scale green for the traffic patterns,
 * Deploy revision for a rolling update. Standby sits with the instances it moves.
 */
export function PatternControls({ appId, pattern, state, busy, onStarted }: PatternControlsProps) {
  const intents = new Set(pattern.intents);
  const green = state.environments.green;
  const ecs = green.ecs ?? state.environments.blue.ecs;
  const unit = green.ecs ? "tasks" : "instances";
  const greenDesired = green.capacity?.desired ?? green.ecs?.desired ?? null;

  return (
    <>
      {pattern.slider !== null && intents.has("shift") ? (
        <Panel title="Traffic" headingId="controls-heading">
          <div className="space-y-4">
            <p className="text-xs text-slate-600 dark:text-slate-400">{pattern.slider}</p>
            <TrafficControls
              appId={appId}
              configured={state.configured.greenPercent}
              busy={busy}
              granularityPercent={state.granularityPercent}
              versions={{ blue: state.environments.blue.version, green: green.version }}
              onStarted={(id) => onStarted(`Traffic shift started: operation ${id}`)}
            />
            {intents.has("scale-green") && greenDesired !== null ? (
              <div className="border-t border-slate-200 pt-3 dark:border-slate-800">
                <ScaleGreenControl
                  key={greenDesired}
                  appId={appId}
                  current={greenDesired}
                  min={green.capacity?.min ?? 0}
                  max={green.capacity?.max}
                  unit={unit}
                  busy={busy}
                  onStarted={(id) => onStarted(`Scale green started: operation ${id}`)}
                />
              </div>
            ) : null}
          </div>
        </Panel>
      ) : null}
      {intents.has("deploy-revision") && ecs && state.rollout ? (
        <Panel title="Deploy" headingId="deploy-heading" meta={`service ${ecs.service}`}>
          <DeployRevisionControl
            appId={appId}
            revisions={ecs.revisions ?? []}
            primary={state.rollout.primaryTaskDefinition}
            busy={busy}
            onStarted={(id) => onStarted(`Deploy started: operation ${id}`)}
          />
        </Panel>
      ) : null}
    </>
  );
}
