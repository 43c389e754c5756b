"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { PlanPreview } from "@/lib/domain/plan";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { SplitBar } from "@/components/env/split-bar";
import { PlanSteps } from "./plan-steps";

interface PlanPreviewBodyProps {
  preview: UseQueryResult<PlanPreview>;
}

/** The plan a confirm dialog is about to run: before → after, then every step and call. */
export function PlanPreviewBody({ preview }: PlanPreviewBodyProps) {
  if (preview.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the plan" className="space-y-3">
        <Skeleton className="h-5 w-2/3" />
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-5 w-1/2" />
      </div>
    );
  }
  if (preview.isError) {
    return (
      <Notice tone="danger" title="The plan could not be loaded" live>
        {preview.error instanceof Error ? preview.error.message : "Try again."}
      </Notice>
    );
  }
  const data = preview.data;
  if (!data.ok) {
    return (
      <Notice tone="warning" title="This change cannot be planned" live>
        {data.reason}
      </Notice>
    );
  }
  const { plan } = data;
  if (plan.nothingToDo) {
    return (
      <div className="space-y-4">
        <Notice tone="info" title={plan.nothingToDo.headline}>
          {capitalised(plan.nothingToDo.detail)}.
        </Notice>
        <div>
          <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Steps and AWS calls</h3>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            None: AWS already is where a rollback ends. Confirming records your request in the audit log and calls no AWS API.
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{plan.summary}</p>
      <div className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700">
        <SplitBar label="Before" greenPercent={plan.before.greenPercent} size="sm" />
        <SplitBar label="After" greenPercent={plan.after.greenPercent} size="sm" />
      </div>
      <div>
        <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Steps and AWS calls</h3>
        <PlanSteps steps={plan.steps} />
      </div>
    </div>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
