/**
 * The browser suite shifts traffic, rolls back, freezes and resets the world it runs against: it
 * must only ever run against the local practice range and the app server it started. This decides,
 * from what the run is pointed at and what its range answers, whether the run may go on.
 */

/** What the range answered on GET /_sim/health (or why it did not). */
export type RangeHealthAnswer = { status: number; body: unknown } | { error: string };

export interface RangeGuardInput {
  /** The range the specs call directly (RANGE_URL). */
  rangeUrl: string | undefined;
  /** The app server the browser opens (APP_URL). */
  appUrl: string | undefined;
  /** The app server's backend settings: it must not be sent to real AWS or another endpoint. */
  env: { TEAL_BACKEND?: string; AWS_ENDPOINT_URL?: string };
  health: RangeHealthAnswer;
  /** Whether the process the range names as its own (its health `pid`) runs on this machine. */
  pidIsLocal: (pid: number) => boolean;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The URL when it is plain http on this machine's loopback, else why not. */
function loopback(name: string, value: string | undefined): { url: URL } | { refusal: string } {
  if (!value) return { refusal: `${name} is not set (playwright.config.ts sets it from E2E_RANGE_PORT / E2E_APP_PORT).` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { refusal: `${name} is not a URL: ${value}` };
  }
  if (url.protocol !== "http:" || !LOOPBACK_HOSTS.has(url.hostname)) {
    return { refusal: `${name} is ${value}: the browser suite only runs against this machine (http://127.0.0.1 or http://localhost).` };
  }
  return { url };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Null when the run targets a local practice range, else a message saying what is wrong and how to
 * fix it. Pure: the caller fetches the health answer and checks the pid.
 */
export function practiceRangeRefusal(input: RangeGuardInput): string | null {
  const prefix = "Refusing to run the browser suite: ";
  const range = loopback("RANGE_URL", input.rangeUrl);
  if ("refusal" in range) return prefix + range.refusal;
  const app = loopback("APP_URL", input.appUrl);
  if ("refusal" in app) return prefix + app.refusal;
  if (input.env.TEAL_BACKEND === "aws") {
    return `${prefix}TEAL_BACKEND=aws would send the app server to real AWS. Unset it: the suite runs on the practice range.`;
  }
  const endpoint = input.env.AWS_ENDPOINT_URL;
  if (endpoint) {
    const target = loopback("AWS_ENDPOINT_URL", endpoint);
    if ("refusal" in target || target.url.origin !== range.url.origin) {
      return `${prefix}AWS_ENDPOINT_URL is ${endpoint}, not the practice range at ${range.url.origin}. Unset it: the Playwright config starts the range.`;
    }
  }
  const where = `${range.url.origin}/_sim/health`;
  const health = input.health;
  if ("error" in health) return `${prefix}the practice range does not answer at ${where} (${health.error}).`;
  if (health.status !== 200) return `${prefix}${where} answered ${health.status}: this is not a practice range.`;
  const body = health.body;
  if (!isRecord(body) || body.ok !== true || typeof body.nowMs !== "number" || typeof body.pid !== "number" || !Number.isInteger(body.pid)) {
    return `${prefix}${where} did not answer as a practice range ({ ok: true, nowMs, pid }).`;
  }
  if (body.pid <= 0 || !input.pidIsLocal(body.pid)) {
    return `${prefix}the range at ${range.url.origin} names pid ${body.pid}, which is not a process on this machine.`;
  }
  return null;
}
