import type { AppErrorCode } from "@/lib/domain/app-error";

/** What every server action returns: never throws to the client, never leaks internal text. */
export type ActionResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      code: AppErrorCode;
      message: string;
      /** Refused because green is worse than blue: the same request with a typed override is accepted. */
      overrideRequired?: true;
    };
