import "server-only";
import type { Capability } from "@/lib/auth/roles";
import { getActor } from "@/lib/auth/session";
import type { Actor } from "@/lib/domain/operation";
import type { AppErrorCode } from "@/lib/domain/app-error";
import { getStore } from "@/lib/store";
import { logger } from "@/lib/telemetry/log";

/** The refusals of a signed-in user that the audit log keeps (an unauthenticated caller has no one to name). */
const AUDITED_REFUSALS: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>(["forbidden", "invalid", "conflict"]);

/**
 * Audits a server action refused to a signed-in user: who, which capability, which refusal. Never
 * the input (it may be hostile or secret) nor the message built from it. A failure to write the
 * entry is logged, and the caller still gets its refusal.
 */
export async function auditRefusal(capability: Capability, code: AppErrorCode, actor: Actor | null): Promise<void> {
  if (!AUDITED_REFUSALS.has(code)) return;
  try {
    const who = actor ?? (await getActor());
    if (!who) return;
    const store = await getStore();
    await store.appendAudit({
      action: "action.refused",
      actor: who,
      appId: null,
      operationId: null,
      reason: code,
      before: null,
      after: { capability, code },
    });
  } catch (error) {
    logger.error("audit.refusal_record_failed", { capability, error });
  }
}
