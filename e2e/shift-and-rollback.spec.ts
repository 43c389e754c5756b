import { expect, test } from "@playwright/test";
import {
  APP_ID,
  configuredSplit,
  expectOperationSucceeded,
  greenSlider,
  openApp,
  rangeGreenShare,
  rollBackToBlue,
  signIn,
  startedOperationId,
} from "./helpers";

test("an operator shifts green to 25 % with the keyboard, then rolls back to blue", async ({ page }) => {
  // Real operations run here (Route 53 changes, waits for INSYNC): allow for a slow machine.
  test.slow();
  await signIn(page, "operator@example.com");
  await openApp(page);
  // Start from a known state whatever ran before.
  await rollBackToBlue(page);
  expect(await rangeGreenShare()).toBe(0);

  const slider = greenSlider(page);
  await expect(slider).toHaveAttribute("aria-valuenow", "0");
  await slider.focus();
  await slider.press("PageUp");
  await slider.press("PageUp");
  for (let i = 0; i < 5; i += 1) await slider.press("ArrowRight");
  await expect(slider).toHaveAttribute("aria-valuenow", "25");
  await expect(slider).toHaveAttribute("aria-valuetext", "25 % green, 75 % blue");
  // Moving the slider changes nothing yet.
  expect(await rangeGreenShare()).toBe(0);
  await slider.press("Enter");

  const dialog = page.getByRole("dialog", { name: /Shift traffic/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("route53");
  await expect(dialog).toContainText("ChangeResourceRecordSets");
  await expect(dialog).toContainText('"Action": "UPSERT"');
  await expect(dialog).toContainText("INSYNC");
  const confirm = dialog.getByRole("button", { name: "Confirm shift" });
  await expect(confirm).toBeDisabled(); // a reason is required
  await dialog.getByLabel("Reason").fill("Canary for the new storefront build");
  await confirm.click();
  await expect(dialog).toBeHidden();

  const shiftId = await startedOperationId(page);
  await expectOperationSucceeded(page, shiftId);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 75 %, green 25 %");
  await expect(page.getByRole("region", { name: /operation$/i })).toContainText("Canary for the new storefront build");
  expect(await rangeGreenShare()).toBe(25);

  // DNS clients follow the weights (behind their caches), green's load balancer starts counting
  // requests, and once a whole minute of them is in CloudWatch the observed split and green's
  // request chart follow. Teal and the range share the wall clock, so this takes real minutes.
  const shiftedAt = Date.now();
  await expect(page.getByRole("img", { name: /^Observed split:/ })).not.toHaveAccessibleName(/green 0 %|no traffic/, { timeout: 180_000 });
  // The observed split covers the last 3 minutes, which may still hold an earlier spec's traffic to
  // green: wait for a minute of green requests measured after this shift.
  await expect
    .poll(
      async () => {
        const snapshot = await page.request.get(`/api/apps/${APP_ID}/snapshot?range=60`);
        expect(snapshot.ok()).toBe(true);
        const { metrics } = (await snapshot.json()) as {
          metrics: { series: { metric: string; color: string | null; points: { t: number; v: number | null }[] }[] };
        };
        const greenRequests = metrics.series.find((s) => s.metric === "RequestCount" && s.color === "green");
        return greenRequests?.points.some((p) => p.t >= shiftedAt - 60_000 && (p.v ?? 0) > 0) ?? false;
      },
      { timeout: 180_000, intervals: [2_000] },
    )
    .toBe(true);

  await rollBackToBlue(page);
  expect(await rangeGreenShare()).toBe(0);
  await expect(greenSlider(page)).toHaveAttribute("aria-valuenow", "0");
});

test("cancelling the confirm dialog changes nothing and resets the slider", async ({ page }) => {
  // Real operations run here (Route 53 changes, waits for INSYNC): allow for a slow machine.
  test.slow();
  await signIn(page, "operator@example.com");
  await openApp(page);
  await rollBackToBlue(page);

  const slider = greenSlider(page);
  await slider.focus();
  await slider.press("End");
  await expect(slider).toHaveAttribute("aria-valuenow", "100");
  await slider.press("Home");
  await slider.press("PageUp");
  await slider.press("Enter");
  const dialog = page.getByRole("dialog", { name: /Shift traffic: green 0 % → 10 %/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(slider).toHaveAttribute("aria-valuenow", "0");
  expect(await rangeGreenShare()).toBe(0);
});
