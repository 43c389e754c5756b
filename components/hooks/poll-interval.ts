import { PAGE_POLL_MS, type AppSnapshot } from "@/lib/domain/snapshot";
import { isActiveStatus } from "@/lib/domain/operation-status";
import { isAuthError } from "@/components/api/http-error";

export const POLL_MS = PAGE_POLL_MS;
/** While an operation runs the operator watches its steps: follow them closely. */
export const ACTIVE_POLL_MS = 1_000;

/** Snapshot polling interval: fast while an operation runs, normal otherwise, stopped after an auth error. */
export function snapshotPollInterval(data: AppSnapshot | undefined, error: unknown): number | false {
  if (isAuthError(error)) return false;
  return isActiveStatus(data?.operation?.status) ? ACTIVE_POLL_MS : POLL_MS;
}
