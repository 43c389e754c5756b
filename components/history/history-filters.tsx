import Link from "next/link";
import { buttonClass } from "@/components/ui/button-styles";
import { toUtcInputValue } from "./format-utc";

export interface HistoryFilterValues {
  app?: string;
  actor?: string;
  intent?: string;
  status?: string;
  action?: string;
  since?: string;
  until?: string;
}

interface HistoryFiltersProps {
  view: "operations" | "audit";
  values: HistoryFilterValues;
  apps: readonly { id: string; name: string }[];
  actors: readonly string[];
  intents: readonly string[];
  statuses: readonly string[];
  actions: readonly string[];
}

const FIELD =
  "h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-teal-600 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";
const LABEL = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";

function Options({ values, any }: { values: readonly string[]; any: string }) {
  return (
    <>
      <option value="">{any}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </>
  );
}

/** The filters as a plain GET form: the URL holds them, so a filtered view can be shared and exported. */
export function HistoryFilters({ view, values, apps, actors, intents, statuses, actions }: HistoryFiltersProps) {
  return (
    <form
      method="get"
      action="/history"
      aria-label="Filters"
      className="rounded-lg border border-slate-200 bg-white p-3 shadow-xs dark:border-slate-800 dark:bg-slate-900"
    >
      <input type="hidden" name="view" value={view} />
      <div className="grid grid-cols-2 items-end gap-3 md:grid-cols-4 xl:grid-cols-[repeat(6,minmax(0,1fr))_auto]">
        <div>
          <label htmlFor="f-app" className={LABEL}>
            Application
          </label>
          <select id="f-app" name="app" defaultValue={values.app ?? ""} className={FIELD}>
            <option value="">All applications</option>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-actor" className={LABEL}>
            Actor (email)
          </label>
          <input
            id="f-actor"
            name="actor"
            type="text"
            list="f-actors"
            defaultValue={values.actor ?? ""}
            placeholder="Anyone"
            autoComplete="off"
            className={FIELD}
          />
          <datalist id="f-actors">
            {actors.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        {view === "operations" ? (
          <>
            <div>
              <label htmlFor="f-intent" className={LABEL}>
                Intent
              </label>
              <select id="f-intent" name="intent" defaultValue={values.intent ?? ""} className={FIELD}>
                <Options values={intents} any="Any intent" />
              </select>
            </div>
            <div>
              <label htmlFor="f-status" className={LABEL}>
                Outcome
              </label>
              <select id="f-status" name="status" defaultValue={values.status ?? ""} className={FIELD}>
                <Options values={statuses} any="Any outcome" />
              </select>
            </div>
          </>
        ) : (
          <div className="col-span-2">
            <label htmlFor="f-action" className={LABEL}>
              Event
            </label>
            <select id="f-action" name="action" defaultValue={values.action ?? ""} className={FIELD}>
              <Options values={actions} any="Any event" />
            </select>
          </div>
        )}
        <div>
          <label htmlFor="f-since" className={LABEL}>
            From (UTC)
          </label>
          <input id="f-since" name="since" type="datetime-local" defaultValue={toUtcInputValue(values.since)} className={FIELD} />
        </div>
        <div>
          <label htmlFor="f-until" className={LABEL}>
            Until (UTC)
          </label>
          <input id="f-until" name="until" type="datetime-local" defaultValue={toUtcInputValue(values.until)} className={FIELD} />
        </div>
        <div className="flex gap-2">
          <button type="submit" className={buttonClass("primary", "md")}>
            Apply
          </button>
          <Link href={`/history?view=${view}`} className={buttonClass("ghost", "md")}>
            Reset
          </Link>
        </div>
      </div>
    </form>
  );
}
