"use client";

import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/components/api/query-keys";
import { HttpError } from "@/components/api/http-error";
import { useSnapshot } from "@/components/hooks/use-snapshot";
import { useNow } from "@/components/hooks/use-now";
import { useTheme } from "@/components/hooks/use-theme";
import { isOperationActive } from "@/components/hooks/poll-interval";
import { EnvironmentColumn } from "@/components/env/environment-column";
import { TrafficControls } from "@/components/controls/traffic-controls";
import { RollbackButton } from "@/components/controls/rollback-button";
import type { ConsolePermissions } from "@/components/controls/permissions";
import { OperationPanel } from "@/components/operation/operation-panel";
import { Route53Panel } from "@/components/dns/route53-panel";
import { MetricsGrid } from "@/components/charts/metrics-grid";
import { RangePicker, type RangeMinutes } from "@/components/charts/range-picker";
import { DARK_PALETTE, LIGHT_PALETTE } from "@/components/charts/chart-palette";
import { timeWindow } from "@/components/charts/time-axis";
import { Panel } from "@/components/ui/panel";
import { Notice } from "@/components/ui/notice";
import { AppTitleBar } from "./app-title-bar";
import { TrafficSplitPanel } from "./traffic-split-panel";
import { AppConsoleSkeleton } from "./app-console-skeleton";

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
  const now = useNow();
  const theme = useTheme();

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
  const domain = timeWindow(data.generatedAt, data.metrics.rangeMinutes);

  return (
    <div className="space-y-5">
      <p role="status" className="sr-only">
        {announcement}
      </p>
      <AppTitleBar
        app={data.app}
        generatedAt={data.generatedAt}
        nowMs={now}
        refreshing={snapshot.isFetching}
        stale={snapshot.isError}
        actions={permissions.rollback ? <RollbackButton appId={appId} onStarted={(id) => refresh(`Rollback started: operation ${id}`)} /> : null}
      />

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-[minmax(0,1fr)_380px] 2xl:grid-cols-[minmax(0,1fr)_420px]">
        <div className="min-w-0 space-y-4">
          <TrafficSplitPanel state={state} />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <EnvironmentColumn
              env={state.environments.blue}
              configuredPercent={100 - state.configured.greenPercent}
              observedPercent={state.observed.greenPercent === null ? null : 100 - state.observed.greenPercent}
            />
            <EnvironmentColumn
              env={state.environments.green}
              configuredPercent={state.configured.greenPercent}
              observedPercent={state.observed.greenPercent}
            />
          </div>
          {state.dns ? <Route53Panel dns={state.dns} /> : null}
        </div>
        <div className="min-w-0 space-y-4">
          {permissions.shift ? (
            <Panel title="Traffic" headingId="controls-heading" meta="Route 53 record weights">
              <TrafficControls
                appId={appId}
                configured={state.configured.greenPercent}
                busy={busy}
                onStarted={(id) => refresh(`Traffic shift started: operation ${id}`)}
              />
            </Panel>
          ) : null}
          <OperationPanel
            appId={appId}
            operation={operation}
            nowIso={data.generatedAt}
            canAbort={permissions.abort}
            onAborted={() => refresh("Abort requested")}
          />
        </div>
      </div>

      <section aria-labelledby="metrics-heading" className="space-y-3">
        <div className="flex items-center justify-between">
          <h2 id="metrics-heading" className="text-sm font-semibold text-slate-900 dark:text-slate-100">
            Load balancer metrics
            <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">CloudWatch, per minute · ⚑ marks operations</span>
          </h2>
          <RangePicker value={range} onChange={setRange} />
        </div>
        <MetricsGrid
          series={data.metrics.series}
          markers={data.markers}
          domain={domain}
          rangeMinutes={data.metrics.rangeMinutes}
          palette={theme === "dark" ? DARK_PALETTE : LIGHT_PALETTE}
        />
      </section>
    </div>
  );
}
