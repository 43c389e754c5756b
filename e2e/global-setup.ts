/**
 * Runs once before the browser specs, after the Playwright config has started the app server and
 * its practice range:
 * 1. refuses to go on unless the run targets a local practice range (e2e/range-guard.ts);
 * 2. signs each demo user in through the real sign-in form and saves its session (e2e/auth-state.ts),
 *    which `signIn` then puts into the specs' browser contexts.
 */
import { chromium, type FullConfig } from "@playwright/test";
import { DEMO_USERS } from "../lib/auth/users";
import { saveSession } from "./auth-state";
import { signInWithForm } from "./helpers";
import { practiceRangeRefusal, type RangeHealthAnswer } from "./range-guard";

async function rangeHealth(rangeUrl: string | undefined): Promise<RangeHealthAnswer> {
  if (!rangeUrl) return { error: "no RANGE_URL" };
  try {
    const response = await fetch(new URL("/_sim/health", rangeUrl), { signal: AbortSignal.timeout(10_000), redirect: "manual" });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the guard says it is not a practice range
    }
    return { status: response.status, body };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function pidIsLocal(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export default async function globalSetup(config: FullConfig): Promise<void> {
  const refusal = practiceRangeRefusal({
    rangeUrl: process.env.RANGE_URL,
    appUrl: process.env.APP_URL,
    env: { TEAL_BACKEND: process.env.TEAL_BACKEND, AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL },
    health: await rangeHealth(process.env.RANGE_URL),
    pidIsLocal,
  });
  if (refusal) throw new Error(refusal);

  const use = config.projects[0]?.use ?? {};
  const browser = await chromium.launch(use.launchOptions);
  try {
    for (const user of DEMO_USERS) {
      const context = await browser.newContext({ baseURL: use.baseURL ?? process.env.APP_URL });
      try {
        const page = await context.newPage();
        await signInWithForm(page, user.email);
        await saveSession(context, user.email);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
}
