"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/components/api/query-keys";
import { HttpError } from "@/components/api/http-error";
import { useSnapshot } from "@/components/hooks/use-snapshot";
import { useTheme } from "@/components/hooks/use-theme";
import { isOperationActive } from "@/components/hooks/poll-interval";
import { RollbackButton } from "@/components/controls/rollback-button";
import { ResumeButton } from "@/components/controls/resume-button";
import { PatternControls } from "@/components/controls/pattern-controls";
import type { ConsolePermissions } from "@/components/controls/permissions";
import { OperationPanel } from "@/components/operation/operation-panel";
import { Route53Panel } from "@/components/dns/route53-panel";
import { LazyMetricsGrid } from "@/components/charts/lazy-metrics-grid";
import { AlbPanel } from "@/components/alb/alb-panel";
import { EcsServicePanel } from "@/components/ecs/ecs-service-panel";
import { RangePicker, type RangeMinutes } from "@/components/charts/range-picker";
import { DARK_PALETTE, LIGHT_PALETTE } from "@/components/charts/chart-palette";
import { timeWindow } from "@/components/charts/time-axis";
import { Notice } from "@/components/ui/notice";
import { AppTitleBar } from "./app-title-bar";
import { TrafficSplitPanel } from "./traffic-split-panel";
import { EnvironmentsSection } from "./environments-section";
import { RolloutPanel } from "./rollout-panel";
import { RiskReview } from "./risk-review";
import { ecsServicesOf } from "./ecs-services";
import { AppConsoleSkeleton } from "./app-console-skeleton";
import { DriftBanner } from "./drift-banner";

interface AppConsoleProps {
  appId: string;
  permissions: ConsolePermissions;
}

/** The application page: polls the snapshot and lays out environments, controls, DNS and charts. */
export function AppConsole({ appId, permissions }: AppConsoleProps) {
  const [range, setRange] = useState<RangeMinutes>(60);
  const [announcement, setAnnouncement] = useState("");
  const snapshot = useSnapshot(appId, range);
  const queryClient = useQueryClient();
  const theme = useTheme();

  // The chart window as a stable object: it changes once a minute, not on every poll.
  const span = snapshot.data ? timeWindow(snapshot.data.generatedAt, snapshot.data.metrics.rangeMinutes) : { from: 0, to: 0 };
  const domain = useMemo(() => ({ from: span.from, to: span.to }), [span.from, span.to]);
  // Charts are the costly part of a render: they follow in a deferred, interruptible render so a poll
  // never delays the controls (a click on Roll back is handled before the charts redraw).
  const chartData = useDeferredValue(snapshot.data);
  const chartDomain = useDeferredValue(domain);

  function refresh(message: string) {
    setAnnouncement(message);
    void queryClient.invalidateQueries({ queryKey: queryKeys.snapshotRoot(appId) });
  }

  if (snapshot.isPending) return <AppConsoleSkeleton />;

  if (snapshot.isError && !snapshot.data) {
    const error = snapshot.error;
    const status = error instanceof HttpError ? error.status : null;
    return (
      <div className="max-w-2xl">
        <Notice
          tone="danger"
          title={status === 403 ? "Permission denied" : status === 404 ? "Application not found" : "The application could not be read"}
          live
        >
          {status === 401 ? (
            <>
              Your session has ended. <a className="underline" href={`/signin?callbackUrl=/apps/${encodeURIComponent(appId)}`}>Sign in again</a>.
            </>
          ) : (
            error.message
          )}
        </Notice>
      </div>
    );
  }

  const data = snapshot.data;
  const { state, operation } = data;
  const busy = isOperationActive(operation?.status);
  const intents = new Set(data.pattern.intents);
  const resumable = operation !== null && (operation.status === "interrupted" || operation.status === "failed");

  return (
    <div className="space-y-5">
      <p role="status" className="sr-only">
        {announcement}
      </p>
      <AppTitleBar
        app={data.app}
        generatedAt={data.generatedAt}
        refreshing={snapshot.isFetching}
        stale={snapshot.isError}
        verdict={data.greenVerdict}
        actions={
          permissions.rollback || (permissions.shift && resumable) ? (
            <>
              {/* Resume sits left of Roll back, so Roll back never moves when Resume appears. */}
              {permissions.shift && resumable && operation ? (
                <ResumeButton appId={appId} operation={operation} onStarted={(id) => refresh(`Resume started: operation ${id}`)} />
              ) : null}
              {permissions.rollback ? (
                <RollbackButton
                  appId={appId}
                  revision={
                    state.rollout
                      ? {
                          target: state.rollout.previousTaskDefinition,
                          primary: state.rollout.primaryTaskDefinition,
                          revisions: (state.environments.green.ecs ?? state.environments.blue.ecs)?.revisions ?? [],
                        }
                      : undefined
                  }
                  onStarted={(id) => refresh(`Rollback started: operation ${id}`)}
                />
              ) : null}
            </>
          ) : null
        }
      />

      {data.drift ? (
        <DriftBanner appId={appId} drift={data.drift} canReassert={permissions.reassert} onStarted={(id) => refresh(`Re-assert started: operation ${id}`)} />
      ) : null}

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-[minmax(0,1fr)_380px] 2xl:grid-cols-[minmax(0,1fr)_420px]">
        <div className="min-w-0 space-y-4">
          {state.rollout ? <RolloutPanel rollout={state.rollout} /> : <TrafficSplitPanel state={state} />}
          <EnvironmentsSection
            appId={appId}
            state={state}
            standby={permissions.shift && intents.has("standby-enter")}
            busy={busy}
            onStarted={refresh}
          />
          {state.dns ? <Route53Panel dns={state.dns} /> : null}
          {state.alb ? <AlbPanel alb={state.alb} /> : null}
          {ecsServicesOf(state).map(({ color, service }) => (
            <EcsServicePanel key={`${service.cluster}/${service.service}`} color={color} service={service} />
          ))}
        </div>
        <div className="min-w-0 space-y-4">
          {permissions.shift ? <PatternControls appId={appId} pattern={data.pattern} state={state} busy={busy} onStarted={refresh} /> : null}
          <OperationPanel
            appId={appId}
            operation={operation}
            nowIso={data.generatedAt}
            canAbort={permissions.abort}
            onAborted={() => refresh("Abort requested")}
            settle={data.settle ?? null}
          />
          <RiskReview pattern={data.pattern} verdict={data.greenVerdict} />
        </div>
      </div>

      <section aria-labelledby="metrics-heading" className="space-y-3">
        <div className="flex items-center justify-between">
          <div className="flex items-baseline gap-2">
            <h2 id="metrics-heading" className="text-sm font-semibold text-slate-900 dark:text-slate-100">
              Metrics
            </h2>
            <span className="text-xs text-slate-500 dark:text-slate-400">CloudWatch, per minute, times in UTC · ⚑ marks operations</span>
          </div>
          <RangePicker value={range} onChange={setRange} />
        </div>
        <LazyMetricsGrid
          series={(chartData ?? data).metrics.series}
          markers={(chartData ?? data).markers}
          domain={chartDomain}
          rangeMinutes={(chartData ?? data).metrics.rangeMinutes}
          nowMs={Date.parse((chartData ?? data).generatedAt)}
          palette={theme === "dark" ? DARK_PALETTE : LIGHT_PALETTE}
        />
      </section>
    </div>
  );
}
