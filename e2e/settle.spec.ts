import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import {
  APP_ID,
  configuredSplit,
  expectOperationSucceeded,
  greenSlider,
  openApp,
  operationPanel,
  rangeGreenShare,
  rollBack,
  signIn,
  startedOperationId,
} from "./helpers";
import { demoApp } from "./demo-apps";

/** Screenshots also go where a person reviewing the run looks for them (SETTLE_SHOTS_DIR), besides the test output. */
const SHOTS = process.env.SETTLE_SHOTS_DIR;

/**
 * A DNS rollback's calls are done long before clients stop reaching green: the operation stays
 * "Succeeded" (its calls are done, its lock released) and its traffic reads *Draining*, with the
 * requests per minute still on green, until a whole minute of requests after the calls is within
 * the tolerance of the configured split; then *Settled*. The range's clock is fast (RANGE_SPEED 20),
 * but CloudWatch's minutes are real: each phase is awaited by polling for its text, never timed.
 */
test("a DNS rollback shows Draining with requests still on green, then Settled", async ({ page }, testInfo) => {
  test.setTimeout(10 * 60_000);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const shot = async (name: string, target: { screenshot(o: { path: string }): Promise<unknown> } = page) => {
    await target.screenshot({ path: testInfo.outputPath(name) });
    if (SHOTS) await target.screenshot({ path: `${SHOTS}/${name}` });
  };
  await page.setViewportSize({ width: 1440, height: 1000 });
  await signIn(page, "operator@example.com");
  await openApp(page);
  const panel = operationPanel(page);
  const settle = panel.getByTestId("operation-settle");

  // Half of shop's traffic to green, and wait until CloudWatch shows it there (the shift settles).
  const slider = greenSlider(page);
  await slider.focus();
  for (let i = 0; i < 5; i += 1) await slider.press("PageUp");
  await expect(slider).toHaveAttribute("aria-valuenow", "50");
  await slider.press("Enter");
  const shiftDialog = page.getByRole("dialog", { name: /Shift traffic/ });
  await shiftDialog.getByLabel("Reason").fill("Half of the storefront on the new build");
  await shiftDialog.getByRole("button", { name: "Confirm shift" }).click();
  await expect(shiftDialog).toBeHidden();
  const shiftId = await startedOperationId(page);
  await expectOperationSucceeded(page, shiftId);
  expect(await rangeGreenShare()).toBe(50);
  await expect(settle).toContainText("Settled", { timeout: 5 * 60_000 });
  await expect(settle).toContainText(/configured 50 % green/);
  await expect(page.getByText(/Observed, requests in the last 3 min/)).toBeVisible();

  // Roll back: the calls finish in seconds, clients still reach green.
  const rollbackId = await rollBack(page);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
  expect(await rangeGreenShare()).toBe(0);
  await expect(panel).toContainText(rollbackId);
  await expect(panel).toContainText("Succeeded");
  await expect(settle).toContainText("Draining");
  // Green's requests per minute: from the minute of the calls once it is measured, else from the
  // minute before them (said so). Which one shows first depends on where in its minute the
  // rollback ended; both are draining with requests on green.
  await expect(settle).toContainText(/[\d\u2009]+ req\/min (still on green|on green before the calls)/);
  await expect(settle).toContainText(/record TTL 60 s/);
  await expect(settle).toContainText(/configured 0 % green ±5 points/);
  await shot("settle-draining-panel.png", panel);
  await shot("settle-draining-page-1440.png");

  // The overview card says so too, while it drains (a whole minute after the calls is at least 60 s away).
  await page.goto("/overview");
  const card = page.getByRole("article").filter({ hasText: demoApp(APP_ID).name });
  await expect(card).toContainText("Last: succeeded, draining");
  await expect(card.getByText(/observed: requests of the last 3 min/)).toBeVisible();
  await shot("settle-draining-overview-1440.png");

  // Back on the application page: settled once a whole minute after the calls is within tolerance.
  await openApp(page, APP_ID);
  await expect(panel).toContainText(rollbackId);
  await expect(settle).toContainText("Settled", { timeout: 5 * 60_000 });
  await expect(settle).toContainText(/Traffic settled within|Traffic followed as the calls ended/);
  await expect(panel).toContainText("Succeeded");
  await shot("settle-settled-panel.png", panel);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(settle).toContainText("Settled", { timeout: 60_000 });
  await shot("settle-settled-panel-dark.png", panel);
  await page.emulateMedia({ colorScheme: "light" });

  // The moment is journaled: the snapshot reads it back as recorded.
  const snapshot = await page.request.get(`/api/apps/${APP_ID}/snapshot?range=60`);
  expect(snapshot.ok()).toBe(true);
  const body = (await snapshot.json()) as { operation: { id: string; settledAt?: string }; settle: { phase: string; recorded?: boolean } };
  expect(body.operation.id).toBe(rollbackId);
  expect(body.operation.settledAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(body.settle).toMatchObject({ phase: "settled", recorded: true });
  // Shop is left on blue, as the other specs expect it.
  expect(await rangeGreenShare()).toBe(0);
});
