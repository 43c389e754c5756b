/** Errors with a code and a message a user may read: never raw AWS text. */

/** Every code an AppError has, each with a user-safe message (never raw AWS text). */
export const APP_ERROR_CODE_LIST = [
  "unauthenticated",
  "forbidden",
  "invalid",
  "not_found",
  "conflict",
  "stale",
  "throttled",
  "aws_error",
  "internal",
] as const;
/** Error with a code and a user-safe message (never raw AWS text). */
export type AppErrorCode = (typeof APP_ERROR_CODE_LIST)[number];

const APP_ERROR_CODES: ReadonlySet<string> = new Set<string>(APP_ERROR_CODE_LIST);

/**
 * The mark every AppError carries. A registered symbol is the same in every bundle of the
 * server (the runtime started from instrumentation.ts and the server actions are bundled apart,
 * each with its own AppError class), so it identifies Teal's errors where `instanceof` cannot.
 */
const APP_ERROR_BRAND: unique symbol = Symbol.for("teal.AppError");

/**
 * Whether `value` is one of Teal's errors, whichever bundle threw it: it carries the brand, a
 * known code and a user-safe message. Use this, never `instanceof AppError` (lint forbids it).
 */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null || !(APP_ERROR_BRAND in value) || value[APP_ERROR_BRAND] !== true) return false;
  if (!("code" in value) || typeof value.code !== "string" || !APP_ERROR_CODES.has(value.code)) return false;
  return "userMessage" in value && typeof value.userMessage === "string" && "transient" in value && typeof value.transient === "boolean";
}

export class AppError extends Error {
  readonly [APP_ERROR_BRAND] = true;
  readonly code: AppErrorCode;
  readonly userMessage: string;
  /**
   * AWS answered with a server error (5xx) or did not answer at all: a read may be tried again
   * later. Set by lib/aws; says nothing about whether a mutation was applied.
   */
  readonly transient: boolean;
  /**
   * The name of the AWS error this one wraps (`PriorRequestNotComplete`, `Throttling`, …), as the
   * SDK reported it; null when it does not come from an AWS answer. Set by lib/aws: decisions on
   * what AWS said read it, never the message text.
   */
  readonly awsName: string | null;
  constructor(code: AppErrorCode, userMessage: string, internalMessage?: string, opts: { transient?: boolean; awsName?: string } = {}) {
    super(internalMessage ?? userMessage);
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.transient = opts.transient ?? false;
    this.awsName = opts.awsName ?? null;
  }
}
