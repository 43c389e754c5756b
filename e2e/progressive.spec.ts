// A progressive delivery of shop started through the REST API (with the operator's session, as a
// pipeline would with its token) shows on the application page: its steps in order, the one under
// way and what it waits for; a hold through the API shows as held; an abort ends it. The judge's
// evidence needs whole CloudWatch minutes, which are real minutes on the range too: it is shown by
// the unit tests of components/operation/delivery-view.ts and judged in the integration tests.
import { expect, test, type Page } from "@playwright/test";
import { APP_ID, openApp, operationPanel, rollBackToBlue, signIn } from "./helpers";

const SHOTS = process.env.E2E_SHOTS_DIR ?? "";

async function post(page: Page, path: string, data: unknown): Promise<{ status: number; body: { operation?: { id: string; status: string } } }> {
  const origin = new URL(page.url()).origin;
  const res = await page.request.post(path, { headers: { origin }, data });
  return { status: res.status(), body: (await res.json()) as { operation?: { id: string; status: string } } };
}

test("a delivery started through the API shows its steps on the application page, held and then aborted", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await signIn(page, "operator@example.com");
  await openApp(page);
  await rollBackToBlue(page);
  const started = await post(page, `/api/v1/apps/${APP_ID}/operations`, {
    intent: { kind: "progressive", steps: [10, 50, 100], bakeSeconds: 300, gates: ["auto", "auto", "manual"] },
    reason: "Deliver v42 in three steps",
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const id = started.body.operation?.id ?? "";

  const delivery = operationPanel(page).getByRole("region", { name: "Progressive delivery" });
  await expect(delivery).toBeVisible({ timeout: 30_000 });
  const first = delivery.getByRole("listitem", { name: "Step 1: 10 % green" });
  await expect(delivery.getByRole("listitem", { name: "Step 2: 50 % green" })).toContainText("Not started");
  await expect(delivery.getByRole("listitem", { name: "Step 3: 100 % green" })).toContainText("(gate)");
  // Green gets 10 % of the weights at once; the step then waits for a whole minute of traffic to show it.
  await expect(first).toContainText("Verifying the measured traffic", { timeout: 30_000 });

  const held = await post(page, `/api/v1/operations/${id}/hold`, { reason: "Looking at the dashboards" });
  expect(held.status).toBe(202);
  await expect(first).toContainText("held by an operator", { timeout: 30_000 });
  await expect(delivery.getByRole("heading", { name: "Progressive delivery (held)" })).toBeVisible();
  if (SHOTS) {
    await page.screenshot({ path: `${SHOTS}/progressive-held-light.png` });
    await page.evaluate(() => localStorage.setItem("teal-theme", "dark"));
    await page.reload();
    await expect(delivery.getByRole("heading", { name: "Progressive delivery (held)" })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/progressive-held-dark.png` });
  }

  const aborted = await post(page, `/api/v1/operations/${id}/abort`, { reason: "Not today" });
  expect(aborted.status).toBe(202);
  await expect(operationPanel(page)).toContainText("Aborted", { timeout: 30_000 });
  await rollBackToBlue(page);
});
