import { Suspense } from "react";
import type { Metadata } from "next";
import { OverviewGrid } from "@/components/overview/overview-grid";

export const metadata: Metadata = { title: "Overview" };

// Every application at a glance, polled from GET /api/apps.
export default function OverviewPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">Applications</h1>
        <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">Traffic split, health and running operations.</p>
      </div>
      {/* The grid reads the URL's search (useSearchParams), which a page must wrap in Suspense. */}
      <Suspense>
        <OverviewGrid />
      </Suspense>
    </div>
  );
}
