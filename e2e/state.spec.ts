import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { appFigures } from "../lib/domain/figures";
import type { AppState } from "@/lib/domain/app-state";
import type { AppSummary } from "@/lib/domain/snapshot";
import { configuredSplit, openApp, rangeGreenShare, rollBack, rollBackToBlue, signIn } from "./helpers";
import { classicLoadBalancer, DEMO_APPS, NOTIFICATIONS, PAYMENTS, SHOP } from "./demo-apps";
import { confirmWithReason, openPatternApp, rangeLifecycles, setRangeSpeed } from "./pattern-helpers";

const SHOTS = "/tmp/shots-state";
mkdirSync(SHOTS, { recursive: true });

function rangeUrl(): string {
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  return base;
}

interface RangeStatsView {
  services: Record<string, { operations: Record<string, { count: number }> }>;
}

/** How many mutating AWS requests (anything but Describe*, List*, Get*) the range has answered. */
async function mutatingCalls(): Promise<number> {
  const stats = (await (await fetch(`${rangeUrl()}/_sim/stats`)).json()) as RangeStatsView;
  let n = 0;
  for (const svc of Object.values(stats.services)) {
    for (const [op, s] of Object.entries(svc.operations)) if (!/^(Describe|List|Get)/.test(op)) n += s.count;
  }
  return n;
}

test("rolling back shop when it is already on blue says nothing to do, starts no operation and makes no AWS call", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "operator@example.com");
  await openApp(page);
  if ((await rangeGreenShare()) !== 0) await rollBackToBlue(page);
  expect(await rangeGreenShare()).toBe(0);

  const before = await mutatingCalls();
  const reason = `Nothing to roll back ${Date.now()}`;
  await page.getByRole("button", { name: /^Roll back to blue/ }).click();
  const dialog = page.getByRole("dialog", { name: "Roll back to blue" });
  await expect(dialog.getByText("Already on blue — nothing to do")).toBeVisible({ timeout: 60_000 });
  await expect(dialog).toContainText("Record weights blue 100 / green 0");
  await expect(dialog).not.toContainText("ChangeResourceRecordSets");
  await page.screenshot({ path: `${SHOTS}/rollback-nothing-to-do-plan-1440.png` });

  await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Nothing rolled back: already on blue — nothing to do");
  await expect(dialog.getByRole("alert")).toContainText("No operation was started and AWS was not called");
  await expect(dialog.getByRole("button", { name: "Roll back now" })).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/rollback-nothing-to-do-confirmed-1440.png` });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  // No AWS write, no operation, but the request is in the audit log with who asked and why.
  expect(await mutatingCalls()).toBe(before);
  const ops = await page.request.get(`/api/history/operations?format=json&app=${SHOP.id}`);
  expect(ops.ok()).toBe(true);
  expect(JSON.stringify(await ops.json())).not.toContain(reason);
  const audit = await page.request.get(`/api/history/audit?format=json&action=rollback.nothing_to_do`);
  expect(audit.ok()).toBe(true);
  const body = JSON.stringify(await audit.json());
  expect(body).toContain(reason);
  expect(body).toContain("operator@example.com");
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
});

async function promotePayments(page: Page): Promise<void> {
  await page.getByRole("group", { name: "Presets" }).getByRole("button", { name: "100 %", exact: true }).click();
  const id = await confirmWithReason(page, /^Promote green: /, "Promote", "Full cutover of payments");
  const panel = page.getByRole("region", { name: /operation$/i });
  await expect(panel).toContainText(id, { timeout: 30_000 });
  await expect(panel).toContainText("Succeeded", { timeout: 120_000 });
}

test("after a promote, payments' blue shows its detached instances as kept warm and what a rollback brings back", async ({ page }) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "operator@example.com");
  await openPatternApp(page, PAYMENTS.id);
  await promotePayments(page);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 0 %, green 100 %");
  const blue = page.getByRole("region", { name: "Blue", exact: true });
  const warm = blue.getByTestId("kept-warm-blue");
  await expect(warm).toContainText(`Kept warm: 4 instances running, detached from ${classicLoadBalancer(PAYMENTS)}`);
  await expect(warm).toContainText(
    `A rollback re-attaches ${PAYMENTS.blue.autoScalingGroup} to ${classicLoadBalancer(PAYMENTS)} — no launch: they take traffic once they pass 3 health checks 10 s apart (~30 s).`,
  );
  await expect(blue).toContainText("Kept warm");
  await expect(blue).not.toContainText("No instances");
  expect((await rangeLifecycles(PAYMENTS.blue.autoScalingGroup)).filter((s) => s === "InService")).toHaveLength(4);
  await warm.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/payments-kept-warm-1440.png`, fullPage: true });

  // Restore the demo world: blue serves everything again and keeps nothing warm.
  await rollBack(page);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
  await expect(blue.getByTestId("kept-warm-blue")).toHaveCount(0);
});

test("the overview and wall figures agree with the app page's for every demo application", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "operator@example.com");
  const list = ((await (await page.request.get("/api/apps")).json()) as { apps: AppSummary[] }).apps;
  expect(list.map((a) => a.id).sort()).toEqual(DEMO_APPS.map((a) => a.id).sort());
  for (const app of list) {
    // The summary (overview, wall) and the snapshot (app page) are two reads of the same cache; a
    // refresh can land between them, so read both until one pair is taken from the same read.
    await expect
      .poll(
        async () => {
          const summaries = (await (await page.request.get("/api/apps")).json()) as { apps: AppSummary[] };
          const summary = summaries.apps.find((a) => a.id === app.id);
          const snapshot = (await (await page.request.get(`/api/apps/${app.id}/snapshot?range=60`)).json()) as { state: AppState };
          return JSON.stringify(summary?.figures) === JSON.stringify(appFigures(snapshot.state))
            ? "agree"
            : JSON.stringify([summary?.figures, appFigures(snapshot.state)]);
        },
        { timeout: 30_000, message: app.id },
      )
      .toBe("agree");
  }

  // asg-swap: the observed share is counted from instances in service; no "Blue 0, Green 0" requests line.
  await openPatternApp(page, PAYMENTS.id);
  const split = page.getByRole("region", { name: "Traffic split" });
  await expect(split.getByTestId("observed-source")).toContainText(`healthy instances in service behind ${classicLoadBalancer(PAYMENTS)}`);
  await expect(split.getByTestId("observed-requests")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/payments-split-1440.png` });

  // ecs-rolling: the overview card and the wall tile show the same rollout share, not a blue/green split.
  const notifications = list.find((a) => a.id === NOTIFICATIONS.id);
  const rollout = notifications?.figures?.traffic;
  if (rollout?.kind !== "rollout") throw new Error("notifications has no rollout figure");
  await page.goto("/");
  const card = page.getByRole("article").filter({ has: page.getByRole("link", { name: NOTIFICATIONS.name }) });
  await expect(card).toContainText(`${rollout.percent} % on ${rollout.primary}`);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/wall");
  const tile = page.getByRole("article", { name: NOTIFICATIONS.name });
  await expect(tile.getByTestId("wall-rollout")).toHaveText(new RegExp(`Rollout\\s*${rollout.percent} %\\s*on ${rollout.primary}`));
  await page.screenshot({ path: `${SHOTS}/wall-1920.png` });
});

test("an ECS service that lost tasks in a zone failure reads degraded with the figures, on the overview and the app page", async ({ page }) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "operator@example.com");
  // Real time on the range: the tasks of the failed zone fail their health checks, ECS stops them and
  // starts replacements; the service runs fewer tasks than it wants for tens of seconds.
  const speed = await setRangeSpeed(1);
  const failed = await fetch(`${rangeUrl()}/_sim/zones/us-east-1a/fail`, { method: "POST" });
  expect(failed.ok).toBe(true);
  try {
    const found: { seen: { name: string; appId: string; text: string } | null } = { seen: null };
    await expect
      .poll(
        async () => {
          const summaries = (await (await page.request.get("/api/apps")).json()) as { apps: AppSummary[] };
          for (const a of summaries.apps) {
            if (a.pattern !== "ecs-dns-swap" && a.pattern !== "ecs-elb-swap" && a.pattern !== "ecs-rolling") continue;
            for (const color of ["blue", "green"] as const) {
              const h = a.figures?.health[color];
              if (h && h.label === "Degraded" && /running — \d+ lost/.test(h.text)) found.seen = { name: a.name, appId: a.id, text: h.text };
            }
          }
          return found.seen !== null;
        },
        { timeout: 120_000, intervals: [500] },
      )
      .toBe(true);
    if (!found.seen) throw new Error("no degraded ECS service");
    const { name, appId, text } = found.seen;
    expect(text).toMatch(/^\d+\/\d+ running — \d+ lost/);
    // The overview card and the app page show the same figure (one derivation).
    await page.goto("/");
    const card = page.getByRole("article").filter({ has: page.getByRole("link", { name }) });
    await expect(card).toContainText(/running — \d+ lost/);
    await expect(card).toContainText("Degraded");
    await page.screenshot({ path: `${SHOTS}/ecs-zone-failure-overview-1440.png` });
    await openPatternApp(page, appId);
    await expect(page.getByTestId(/^health-(blue|green)$/).first()).toContainText(/running — \d+ lost/);
    await page.screenshot({ path: `${SHOTS}/ecs-zone-failure-${appId}-1440.png` });
  } finally {
    await fetch(`${rangeUrl()}/_sim/zones/us-east-1a/recover`, { method: "POST" });
    await setRangeSpeed(speed);
  }
});
