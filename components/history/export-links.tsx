import { buttonClass } from "@/components/ui/button-styles";

/** Download links for the current view and filters; the route answers with an attachment. */
export function ExportLinks({ csvHref, jsonHref, what }: { csvHref: string; jsonHref: string; what: string }) {
  return (
    <div className="flex items-center gap-2">
      <span className="text-xs text-slate-500 dark:text-slate-400">Export {what}</span>
      <a href={csvHref} download className={buttonClass("secondary", "sm")}>
        Export CSV
      </a>
      <a href={jsonHref} download className={buttonClass("secondary", "sm")}>
        Export JSON
      </a>
    </div>
  );
}
