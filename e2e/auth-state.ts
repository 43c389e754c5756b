/**
 * Each demo user signs in through the real form once per run (e2e/global-setup.ts); its session
 * cookies are saved here and put into the contexts of the specs that sign in as that user, so a spec
 * does not fill the form (and wait for the password check) again. One file per user under the run's
 * data folder; a spec that ends a saved session (sign-out, revoked sessions) is caught by
 * `sessionIsFor` and the next `signIn` signs in through the form and saves the new session.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";

type Cookie = Parameters<BrowserContext["addCookies"]>[0][number];

function stateDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set (the Playwright config sets it).");
  return path.join(dir, "auth");
}

function stateFile(email: string): string {
  return path.join(stateDir(), `${email.replace(/[^a-z0-9@._-]/gi, "_")}.json`);
}

/** The saved session cookies of a demo user, or null when none were saved. */
export function readSavedSession(email: string): Cookie[] | null {
  try {
    const state = JSON.parse(readFileSync(stateFile(email), "utf8")) as { cookies?: Cookie[] };
    return state.cookies && state.cookies.length > 0 ? state.cookies : null;
  } catch {
    return null;
  }
}

/** Saves the context's storage state (its session cookies) as the user's (atomically: a second worker may read it). */
export async function saveSession(context: Pick<BrowserContext, "storageState">, email: string): Promise<void> {
  mkdirSync(stateDir(), { recursive: true });
  const file = stateFile(email);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(await context.storageState()));
  renameSync(temp, file);
}

/** Whether the server takes the context's session as a live one of this user (next-auth's session endpoint). */
export async function sessionIsFor(page: Page, email: string): Promise<boolean> {
  const response = await page.request.get("/api/auth/session");
  if (!response.ok()) return false;
  const body = (await response.json()) as { user?: { email?: string } } | null;
  return body?.user?.email === email;
}
