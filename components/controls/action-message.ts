import type { ActionResult } from "@/lib/actions/result";

export interface ActionFailure {
  title: string;
  detail: string;
  /** A stale plan can be fixed by reloading it; the dialog offers that. */
  canReloadPlan: boolean;
}

/** What a refused or failed action tells the person, by error code (the server's message is user-safe). */
export function describeFailure(result: Extract<ActionResult<unknown>, { ok: false }>): ActionFailure {
  // Green turned worse since the plan was shown: reloading it shows the verdict and the override.
  if (result.overrideRequired) return { title: "Green is worse than blue", detail: result.message, canReloadPlan: true };
  switch (result.code) {
    case "forbidden":
    case "unauthenticated":
      return {
        title: "Permission denied",
        detail: result.code === "unauthenticated" ? "Your session has ended. Sign in again." : result.message,
        canReloadPlan: false,
      };
    case "stale":
      return {
        title: "The application changed since this plan was prepared",
        detail: result.message,
        canReloadPlan: true,
      };
    case "conflict":
      return { title: "Another operation is in progress", detail: result.message, canReloadPlan: true };
    case "invalid":
      return { title: "Not accepted", detail: result.message, canReloadPlan: false };
    case "throttled":
      return { title: "AWS is throttling requests", detail: result.message, canReloadPlan: false };
    default:
      return { title: "The operation could not start", detail: result.message, canReloadPlan: false };
  }
}

/** An action that threw (network down, server restarted) rather than returning a result. */
export function describeThrown(error: unknown): ActionFailure {
  const offline = error instanceof TypeError;
  return {
    title: "The request did not reach Teal",
    detail: offline ? "Check the connection and try again." : "The server did not answer. Try again.",
    canReloadPlan: false,
  };
}
