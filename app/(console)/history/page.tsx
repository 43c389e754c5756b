import type { Metadata } from "next";
import { pageActorOrSignIn } from "@/lib/auth/page-user";
import {
  AUDIT_ACTIONS,
  auditFilterOf,
  historySearch,
  INTENT_KINDS,
  OPERATION_STATUSES,
  operationFilterOf,
  parseHistoryQuery,
  type HistoryQuery,
} from "@/lib/history/query";
import { withoutArns } from "@/lib/domain/arn";
import { OUTCOME_WINDOW_DAYS, outcomeDaysOf, outcomeReport } from "@/lib/history/outcomes";
import { getRuntime } from "@/lib/runtime/runtime";
import { AuditTable } from "@/components/history/audit-table";
import { ExportLinks } from "@/components/history/export-links";
import { HistoryFilters } from "@/components/history/history-filters";
import { HistoryTabs, type HistoryView } from "@/components/history/history-tabs";
import { OutcomesTable } from "@/components/history/outcomes-table";
import { OperationHistoryList } from "@/components/history/operation-history-list";
import { Notice } from "@/components/ui/notice";

export const metadata: Metadata = { title: "History" };
export const dynamic = "force-dynamic";

// Operations and audit records, filtered through the URL, with CSV and JSON exports of the same filters.
export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Every role may read history; signed out, sign in and come back here.
  await pageActorOrSignIn();
  const params = await searchParams;
  const view: HistoryView = params.view === "audit" ? "audit" : params.view === "outcomes" ? "outcomes" : "operations";
  const days = outcomeDaysOf(params.days);
  const parsed = parseHistoryQuery(params);
  const query: HistoryQuery = parsed.ok ? parsed.query : {};
  const rt = await getRuntime();
  const appNames = Object.fromEntries(rt.config.applications.map((a) => [a.id, a.name]));
  // What the page sends the browser carries no ARN (an ARN names the account): steps and audit
  // records name the resource alone. The signed audit export is the records as written.
  const [operations, audit, recent, outcomes] = await Promise.all([
    view === "operations" ? rt.store.listOperations(operationFilterOf(query)).then(withoutArns) : Promise.resolve([]),
    view === "audit" ? rt.store.listAudit(auditFilterOf(query)).then(withoutArns) : Promise.resolve([]),
    rt.store.listOperations({ limit: 200 }),
    view === "outcomes"
      ? outcomeReport(
          rt.store,
          rt.config.applications.map((a) => a.id),
          days,
        )
      : Promise.resolve(null),
  ]);
  const actors = [...new Set(recent.map((op) => op.actor.email))].sort();
  const exportBase = view === "operations" ? "/api/history/operations" : "/api/history/audit";
  const shown = view === "operations" ? operations.length : audit.length;
  const limit = query.limit ?? (view === "operations" ? 100 : 200);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">History</h1>
          <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">
            Every operation Teal ran and every audited event, newest first. Times are UTC.
          </p>
        </div>
        {view === "outcomes" ? null : (
          <ExportLinks
            what={view === "operations" ? "operations" : "audit log"}
            csvHref={`${exportBase}${historySearch(query, { format: "csv" })}`}
            jsonHref={`${exportBase}${historySearch(query, { format: "json" })}`}
          />
        )}
      </div>
      <HistoryTabs
        view={view}
        hrefs={{
          operations: `/history${historySearch(query, { view: "operations" })}`,
          audit: `/history${historySearch(query, { view: "audit" })}`,
          outcomes: `/history?view=outcomes&days=${days}`,
        }}
        counts={view === "outcomes" ? {} : { [view]: shown }}
      />
      {outcomes ? (
        <OutcomesTable
          perApp={outcomes.perApp}
          fleet={outcomes.fleet}
          appNames={appNames}
          days={outcomes.days}
          partial={outcomes.partial}
          windows={[...OUTCOME_WINDOW_DAYS].sort((a, b) => a - b).map((d) => ({ days: d, href: `/history?view=outcomes&days=${d}` }))}
        />
      ) : (
        <>
          <HistoryFilters
            view={view === "audit" ? "audit" : "operations"}
            values={query}
            apps={rt.config.applications.map((a) => ({ id: a.id, name: a.name }))}
            actors={actors}
            intents={INTENT_KINDS}
            statuses={OPERATION_STATUSES}
            actions={AUDIT_ACTIONS}
          />
          {parsed.ok ? null : (
            <Notice tone="warning" title="Filters not applied">
              {parsed.message}
            </Notice>
          )}
          {view === "operations" ? (
            <OperationHistoryList operations={operations} appNames={appNames} />
          ) : (
            <AuditTable records={audit} appNames={appNames} />
          )}
          {shown >= limit ? (
            <p className="text-xs text-slate-500 dark:text-slate-400">Showing the newest {limit}. Narrow the filters or export to see more.</p>
          ) : null}
        </>
      )}
    </div>
  );
}
