/**
 * Runs once before the browser specs, after the Playwright config has started the app server and
 * its practice range:
 * 1. refuses to go on unless the run targets a local practice range (e2e/range-guard.ts);
 * 2. signs each demo user in and saves its session (e2e/auth-state.ts), which `signIn` then puts
 *    into the specs' browser contexts. It signs in over HTTP as the sign-in form's script does
 *    (next-auth's CSRF token, then its credentials callback), without a browser: four cold browser
 *    contexts, each loading the sign-in page and then the overview, cost every world about 20
 *    CPU-seconds. The form itself is the subject of e2e/signin.spec.ts.
 */
import { request, type FullConfig } from "@playwright/test";
import { DEMO_USERS } from "../lib/auth/users";
import { saveSession } from "./auth-state";
import { DEMO_PASSWORD } from "./helpers";
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

  const baseURL = config.projects[0]?.use.baseURL ?? process.env.APP_URL;
  for (const user of DEMO_USERS) {
    const api = await request.newContext({ baseURL });
    try {
      const csrf = await api.get("/api/auth/csrf");
      if (!csrf.ok()) throw new Error(`GET /api/auth/csrf answered ${csrf.status()}`);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const answer = await api.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: user.email, password: DEMO_PASSWORD, json: "true" },
        maxRedirects: 0,
      });
      if (answer.status() >= 400) throw new Error(`signing ${user.email} in answered ${answer.status()}`);
      const session = (await (await api.get("/api/auth/session")).json()) as { user?: { email?: string } } | null;
      if (session?.user?.email !== user.email) throw new Error(`${user.email} is not signed in after the credentials callback`);
      await saveSession(api, user.email);
    } finally {
      await api.dispose();
    }
  }
}
