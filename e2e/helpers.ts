import { readFileSync } from "node:fs";
import { ChangeResourceRecordSetsCommand, ListHostedZonesCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { expect, type Locator, type Page } from "@playwright/test";
import { readSavedSession, saveSession, sessionIsFor } from "./auth-state";
import type { AppSummary } from "../lib/domain/snapshot";
import { dnsOf, SHOP } from "./demo-apps";

/** The practice range's demo password (see the README). */
export const DEMO_PASSWORD = "teal-demo";

/** The dns-weighted demo application of the practice range. */
export const APP_ID = process.env.E2E_APP_ID ?? SHOP.id;

/**
 * Signs in as a demo user. The global setup signed each demo user in through the form once and saved
 * the session cookies (e2e/auth-state.ts); this puts them in the page's context, and checks with the
 * server that the session is still live (a spec may have revoked it), signing in through the form
 * and saving the new session when it is not. The page is left where it was: open a page next.
 * Specs about signing in or out use `signInWithForm`.
 */
export async function signIn(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  const saved = password === DEMO_PASSWORD ? readSavedSession(email) : null;
  if (saved) {
    await page.context().addCookies(saved);
    if (await sessionIsFor(page, email)) return;
  }
  await signInWithForm(page, email, password);
  if (password === DEMO_PASSWORD) await saveSession(page.context(), email);
}

/** Signs in through the form, as a person would, and waits to leave the sign-in page. */
export async function signInWithForm(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

export async function openApp(page: Page, appId: string = APP_ID): Promise<void> {
  await page.goto(`/apps/${appId}`);
  // The first load hydrates the page and fetches the snapshot: allow for a busy machine.
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 60_000 });
  await expect(configuredSplit(page)).toBeVisible();
}

/** The "Configured" split bar; its accessible name carries both numbers. */
export function configuredSplit(page: Page): Locator {
  return page.getByRole("img", { name: /^Configured split:/ });
}

export function greenSlider(page: Page): Locator {
  return page.getByRole("slider", { name: /Green traffic/ });
}

export function operationPanel(page: Page): Locator {
  return page.getByRole("region", { name: /operation$/i });
}

/**
 * After confirming, the page announces "… started: operation <id>" in its status region; read the id
 * so the test follows exactly the operation it started, not an older one still on screen.
 */
export async function startedOperationId(page: Page): Promise<string> {
  const status = page.getByRole("status");
  await expect(status).toContainText(/started: operation \S+/);
  const text = (await status.textContent()) ?? "";
  const match = /started: operation (\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`No operation id in status text: ${text}`);
  return match[1];
}

/** Waits until the operation panel shows this operation with the given status label. */
export async function expectOperation(page: Page, operationId: string, status: "Succeeded" | "Running"): Promise<void> {
  const panel = operationPanel(page);
  await expect(panel).toContainText(operationId, { timeout: 30_000 });
  // The panel shows one operation at a time; its status badge reads e.g. "Succeeded" once it is done.
  await expect(panel).toContainText(status, { timeout: 90_000 });
  await expect(panel).toContainText(operationId);
}

export async function expectOperationSucceeded(page: Page, operationId: string): Promise<void> {
  await expectOperation(page, operationId, "Succeeded");
}

/**
 * Rolls back with the always-present button ("Roll back to blue", or to the revision on a rolling
 * update): one confirmation, no typing; waits for it to succeed and returns its id.
 */
export async function rollBack(page: Page): Promise<string> {
  await page.getByRole("button", { name: /^Roll back to/ }).click();
  const dialog = page.getByRole("dialog", { name: /^Roll back/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  await expect(dialog).toBeHidden();
  const id = await startedOperationId(page);
  await expectOperationSucceeded(page, id);
  return id;
}

/**
 * Rolls back a traffic-shifting application and checks that blue has it all again. When blue
 * already has it all, the dialog says there is nothing to do (no operation starts): it is closed.
 */
export async function rollBackToBlue(page: Page): Promise<void> {
  await expect(page.getByRole("button", { name: /^Roll back to blue/ })).toBeVisible();
  await page.getByRole("button", { name: /^Roll back to/ }).click();
  const dialog = page.getByRole("dialog", { name: /^Roll back/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  const nothing = dialog.getByText(/No operation was started/);
  await expect
    .poll(async () => ((await dialog.isVisible()) ? ((await nothing.isVisible()) ? "nothing to do" : "pending") : "started"), { timeout: 60_000 })
    .not.toBe("pending");
  if (await dialog.isVisible()) {
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  } else {
    await expectOperationSucceeded(page, await startedOperationId(page));
  }
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
}

/** Sets shop's record weights straight on the practice range (a change made outside Teal). */
export async function setRangeWeights(green: number, recordName = dnsOf(APP_ID).recordName): Promise<void> {
  const endpoint = process.env.RANGE_URL;
  if (!endpoint) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const route53 = new Route53Client({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDCONSOLE", secretAccessKey: "console-secret" },
  });
  try {
    const zones = await route53.send(new ListHostedZonesCommand({}));
    const zoneName = dnsOf(APP_ID).hostedZone;
    const zoneId = zones.HostedZones?.find((z) => z.Name === zoneName)?.Id;
    if (!zoneId) throw new Error(`no ${zoneName} zone on the range`);
    const sets = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const records = (sets.ResourceRecordSets ?? []).filter((r) => r.Name === recordName && r.Weight !== undefined);
    expect(records).toHaveLength(2);
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Comment: "changed outside Teal",
          Changes: records.map((r) => ({ Action: "UPSERT", ResourceRecordSet: { ...r, Weight: r.SetIdentifier === "green" ? green : 100 - green } })),
        },
      }),
    );
  } finally {
    route53.destroy();
  }
}

interface RangeRecord {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Weight?: number;
}

interface RangeState {
  zones: { id: string; name: string; records: RangeRecord[] }[];
}

/** Reads the weighted records straight from the practice range, bypassing Teal, and returns green's share in percent. */
export async function rangeGreenShare(recordName = dnsOf(APP_ID).recordName): Promise<number> {
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const response = await fetch(`${base}/_sim/state`);
  expect(response.ok).toBe(true);
  const state = (await response.json()) as RangeState;
  const records = state.zones.flatMap((z) => z.records).filter((r) => r.Name === recordName && r.Weight !== undefined);
  const blue = records.find((r) => r.SetIdentifier === "blue")?.Weight;
  const green = records.find((r) => r.SetIdentifier === "green")?.Weight;
  if (blue === undefined || green === undefined) throw new Error(`No blue/green weighted records named ${recordName} on the range.`);
  return blue + green === 0 ? 0 : Math.round((green / (blue + green)) * 100);
}

/** The id Next gave a server action in this build (what a browser sends in the `next-action` header). */
export function actionId(exportedName: string): string {
  const manifest: unknown = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8"));
  const node = manifest && typeof manifest === "object" && "node" in manifest ? manifest.node : null;
  if (!node || typeof node !== "object") throw new Error("the build has no server action manifest");
  for (const [id, entry] of Object.entries(node)) {
    if (entry && typeof entry === "object" && "exportedName" in entry && entry.exportedName === exportedName) return id;
  }
  throw new Error(`no server action named ${exportedName} in this build`);
}

/** A call to the practice range's control API (RANGE_URL) that must succeed, e.g. setting or clearing faults. */
export async function rangeControl(method: "POST" | "DELETE", path: string, body?: unknown): Promise<void> {
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(res.ok).toBe(true);
}

/** Every application's summary as the overview reads it (GET /api/apps), with the page's session. */
export async function appSummaries(page: Page): Promise<AppSummary[]> {
  const response = await page.request.get("/api/apps");
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { apps: AppSummary[] }).apps;
}
