import type { Drift } from "@/lib/domain/app-state";
import { Notice } from "@/components/ui/notice";
import { formatClock } from "@/components/format/format";
import { ReassertButton } from "@/components/controls/reassert-button";

interface DriftBannerProps {
  appId: string;
  drift: Drift;
  canReassert: boolean;
  onStarted: (operationId: string) => void;
}

/** AWS is configured otherwise than Teal's last successful operation left it: say so with the figures. */
export function DriftBanner({ appId, drift, canReassert, onStarted }: DriftBannerProps) {
  const finished = drift.operation.finishedAt ? ` (finished ${formatClock(drift.operation.finishedAt)})` : "";
  return (
    <section aria-label="Drift">
      <Notice
        tone="warning"
        live
        title={`AWS differs from Teal's last operation: ${drift.text}`}
        actions={canReassert ? <ReassertButton appId={appId} drift={drift} onStarted={onStarted} /> : undefined}
      >
        Teal&apos;s last successful operation, “{drift.operation.summary}”{finished}, left it otherwise. Something changed AWS since: a late write,
        another tool or a person in the AWS console.
        {canReassert ? " Re-asserting plans that end state again from what AWS holds now." : null}
      </Notice>
    </section>
  );
}
