import type { ReactNode } from "react";
import { Notice } from "@/components/ui/notice";
import type { ActionFailure } from "./action-message";

/** A refused or failed action, read out when it appears. */
export function FailureNotice({ failure, actions }: { failure: ActionFailure; actions?: ReactNode }) {
  return (
    <Notice tone={failure.canReloadPlan ? "warning" : "danger"} title={failure.title} actions={actions} live>
      {failure.detail}
    </Notice>
  );
}
