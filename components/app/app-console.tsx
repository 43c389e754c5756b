"use client";

import { useDeferredValue, useMemo, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/components/api/query-keys";
import { HttpError } from "@/components/api/http-error";
import { useSnapshot } from "@/components/hooks/use-snapshot";
import { useTheme } from "@/components/hooks/use-theme";
import { POLL_MS } from "@/components/hooks/poll-interval";
import { isActiveStatus, isResumableStatus } from "@/lib/domain/operation-status";
import { FreshnessFrame, STALE_DIM } from "@/components/freshness/freshness-frame";
import { RollbackButton } from "@/components/controls/rollback-button";
import { ResumeButton } from "@/components/controls/resume-button";
import { PatternControls } from "@/components/controls/pattern-controls";
import type { ConsolePermissions } from "@/components/controls/permissions";
import type { RevisionRollback } from "@/components/controls/rollback-label";
import type { AppSnapshot } from "@/lib/domain/snapshot";
import { OperationPanel } from "@/components/operation/operation-panel";
import { Route53Panel } from "@/components/dns/route53-panel";
import { LazyMetricsGrid } from "@/components/charts/lazy-metrics-grid";
import { AlbPanel } from "@/components/alb/alb-panel";
import { EcsServicePanel } from "@/components/ecs/ecs-service-panel";
import { RangePicker, type RangeMinutes } from "@/components/charts/range-picker";
import { DARK_PALETTE, LIGHT_PALETTE } from "@/components/charts/chart-palette";
import { chartClock } from "@/components/charts/merge-series";
import { timeWindow } from "@/components/charts/time-axis";
import { Notice } from "@/components/ui/notice";
import { AppTitleBar } from "./app-title-bar";
import { TrafficSplitPanel } from "./traffic-split-panel";
import { EnvironmentsSection } from "./environments-section";
import { RolloutPanel } from "./rollout-panel";
import { RiskReview } from "./risk-review";
import { ecsServicesOf } from "./ecs-services";
import { AppConsoleBodySkeleton } from "./app-console-skeleton";
import { DriftBanner } from "./drift-banner";

/** What the configuration says of the application: enough for the title bar and Roll back. */
export type ConfiguredApp = AppSnapshot["app"];

interface AppConsoleProps {
  app: ConfiguredApp;
  permissions: ConsolePermissions;
}

/** An ecs-rolling service's revisions as the Roll back button needs them (from the snapshot). */
function revisionOf(state: AppSnapshot["state"]): RevisionRollback | undefined {
  if (!state.rollout) return undefined;
  return {
    target: state.rollout.previousTaskDefinition,
    primary: state.rollout.primaryTaskDefinition,
    revisions: (state.environments.green.ecs ?? state.environments.blue.ecs)?.revisions ?? [],
  };
}

/**
 * The application page. The title bar and Roll back come from the configuration and are drawn at
 * once; the rest polls the snapshot (environments, controls, DNS, charts) and turns grey under the
 * stale banner when AWS is late.
 */
export function AppConsole({ app, permissions }: AppConsoleProps) {
  const appId = app.id;
  const [range, setRange] = useState<RangeMinutes>(60);
  const [announcement, setAnnouncement] = useState("");
  const [openedAt] = useState(() => Date.now());
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

  const data = snapshot.data;
  const operation = data?.operation ?? null;
  const resumable = isResumableStatus(operation?.status);
  const status = snapshot.error instanceof HttpError ? snapshot.error.status : null;
  // An application that is not (or no longer) readable: no button on a page that cannot be used.
  const gone = !data && (status === 404 || status === 403 || status === 401);

  const actions =
    !gone && (permissions.rollback || (permissions.shift && resumable)) ? (
      <>
        {/* Resume sits left of Roll back, so Roll back never moves when Resume appears. */}
        {permissions.shift && resumable && operation ? (
          <ResumeButton appId={appId} operation={operation} onStarted={(id) => refresh(`Resume started: operation ${id}`)} />
        ) : null}
        {permissions.rollback ? (
          <RollbackButton
            appId={appId}
            revision={data ? revisionOf(data.state) : undefined}
            // An ECS rolling update has no blue and green: until its revisions are read, the dialog
            // speaks of the revision that served before, never of traffic back to blue.
            revisionPending={app.pattern === "ecs-rolling" && !data?.state.rollout}
            onStarted={(id) => refresh(`Rollback started: operation ${id}`)}
          />
        ) : null}
      </>
    ) : null;

  const header = (
    <AppTitleBar
      app={data?.app ?? app}
      generatedAt={data?.generatedAt ?? null}
      refreshing={snapshot.isFetching}
      stale={snapshot.isError || (data?.readError ?? null) !== null}
      verdict={data?.greenVerdict}
      actions={actions}
    />
  );

  let body: ReactNode;
  if (data) {
    body = (
      <AppConsoleBody
        appId={appId}
        data={data}
        chartData={chartData ?? data}
        chartDomain={chartDomain}
        permissions={permissions}
        range={range}
        onRange={setRange}
        onStarted={refresh}
        dark={theme === "dark"}
      />
    );
  } else if (snapshot.isError) {
    body = (
      <div className="max-w-2xl">
        <Notice
          tone="danger"
          title={status === 403 ? "Permission denied" : status === 404 ? "Application not found" : "The application could not be read"}
          live
        >
          {status === 401 ? (
            <>
              Your session has ended.{" "}
              <a className="underline" href={`/signin?callbackUrl=/apps/${encodeURIComponent(appId)}`}>
                Sign in again
              </a>
              .
            </>
          ) : status === 403 || status === 404 ? (
            snapshot.error.message
          ) : (
            <>{snapshot.error.message} Teal keeps trying; Roll back works without this page&apos;s data.</>
          )}
        </Notice>
      </div>
    );
  } else {
    body = <AppConsoleBodySkeleton />;
  }

  return (
    <FreshnessFrame
      className="space-y-5"
      bodyClassName="space-y-5"
      header={header}
      input={{
        lastSuccessMs: snapshot.dataUpdatedAt,
        // While retrying, react-query keeps the failure in failureReason before it becomes the error.
        error: gone ? null : (snapshot.error ?? snapshot.failureReason ?? null),
        pollMs: POLL_MS,
        dataAgeMs: data?.dataAgeMs ?? 0,
        awsError: data?.readError ?? null,
        sinceMs: openedAt,
      }}
    >
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {body}
    </FreshnessFrame>
  );
}

interface AppConsoleBodyProps {
  appId: string;
  data: AppSnapshot;
  chartData: AppSnapshot;
  chartDomain: { from: number; to: number };
  permissions: ConsolePermissions;
  range: RangeMinutes;
  onRange: (range: RangeMinutes) => void;
  onStarted: (message: string) => void;
  dark: boolean;
}

/** Everything read from AWS: environments, controls, DNS, operation, charts. */
function AppConsoleBody({ appId, data, chartData, chartDomain, permissions, range, onRange, onStarted, dark }: AppConsoleBodyProps) {
  const { state, operation } = data;
  const busy = isActiveStatus(operation?.status);
  const intents = new Set(data.pattern.intents);
  const refresh = onStarted;
  return (
    <>
      {data.drift ? (
        <div className={STALE_DIM}>
          <DriftBanner
            appId={appId}
            drift={data.drift}
            canReassert={permissions.reassert}
            onStarted={(id) => refresh(`Re-assert started: operation ${id}`)}
          />
        </div>
      ) : null}

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-[minmax(0,1fr)_380px] 2xl:grid-cols-[minmax(0,1fr)_420px]">
        {/* Read from AWS: grey while stale. The controls and the operation (Teal's journal) stay bright. */}
        <div data-testid="aws-panels" className={`min-w-0 space-y-4 ${STALE_DIM}`}>
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
          <div className={STALE_DIM}>
            <RiskReview pattern={data.pattern} verdict={data.greenVerdict} />
          </div>
        </div>
      </div>

      <section aria-labelledby="metrics-heading" className={`space-y-3 ${STALE_DIM}`}>
        <div className="flex items-center justify-between">
          <div className="flex items-baseline gap-2">
            <h2 id="metrics-heading" className="text-sm font-semibold text-slate-900 dark:text-slate-100">
              Metrics
            </h2>
            <span className="text-xs text-slate-500 dark:text-slate-400">CloudWatch, per minute, times in UTC · ⚑ marks operations</span>
          </div>
          <RangePicker value={range} onChange={onRange} />
        </div>
        {chartData.metricsError ? (
          <div data-testid="metrics-unavailable">
            <Notice tone="warning" title="Metrics unavailable">
              {chartData.metricsError} The state above is current and every control works; the charts, the observed share and the green verdict come
              back when CloudWatch answers.
            </Notice>
          </div>
        ) : null}
        <LazyMetricsGrid
          series={chartData.metrics.series}
          markers={chartData.markers}
          domain={chartDomain}
          rangeMinutes={chartData.metrics.rangeMinutes}
          nowMs={chartClock(Date.parse(chartData.generatedAt))}
          palette={dark ? DARK_PALETTE : LIGHT_PALETTE}
        />
      </section>
    </>
  );
}
