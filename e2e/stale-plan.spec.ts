import { expect, test } from "@playwright/test";
import {
  configuredSplit,
  expectOperationSucceeded,
  greenSlider,
  openApp,
  rangeGreenShare,
  rollBackToBlue,
  signIn,
  startedOperationId,
} from "./helpers";

test("a shift confirmed after someone else changed the weights is refused as stale", async ({ page, context }) => {
  // Real operations run here (Route 53 changes, waits for INSYNC): allow for a slow machine.
  test.slow();
  await signIn(page, "operator@example.com");
  await openApp(page);
  await rollBackToBlue(page);

  // Release manager A prepares a shift to 10 % and reads the plan…
  const slider = greenSlider(page);
  await slider.focus();
  await slider.press("PageUp");
  await slider.press("Enter");
  const dialog = page.getByRole("dialog", { name: /Shift traffic/ });
  await expect(dialog).toHaveAccessibleName("Shift traffic: green 0 % → 10 %");
  await expect(dialog).toContainText("ChangeResourceRecordSets");
  await dialog.getByLabel("Reason").fill("Canary, step one");

  // …while release manager B, in another tab, shifts to 50 %.
  const other = await context.newPage();
  await openApp(other);
  const otherSlider = greenSlider(other);
  await otherSlider.focus();
  for (let i = 0; i < 5; i += 1) await otherSlider.press("PageUp");
  await otherSlider.press("Enter");
  const otherDialog = other.getByRole("dialog", { name: /Shift traffic: green 0 % → 50 %/ });
  await otherDialog.getByLabel("Reason").fill("Straight to half");
  await otherDialog.getByRole("button", { name: "Confirm shift" }).click();
  const otherId = await startedOperationId(other);
  await expectOperationSucceeded(other, otherId);
  expect(await rangeGreenShare()).toBe(50);

  // A confirms the plan made for 0 % → 10 %: refused, nothing changed.
  await dialog.getByRole("button", { name: "Confirm shift" }).click();
  const alert = dialog.getByRole("alert");
  await expect(alert).toContainText("changed since");
  await expect(dialog).toBeVisible();
  // The same plan would be refused again: confirming waits for a reloaded plan.
  await expect(dialog.getByRole("button", { name: "Confirm shift" })).toBeDisabled();
  expect(await rangeGreenShare()).toBe(50);

  // Reloading the plan shows the real starting point.
  await alert.getByRole("button", { name: "Reload plan" }).click();
  await expect(dialog).toContainText("green from 50 % to 10 %");
  await expect(dialog).toHaveAccessibleName("Shift traffic: green 50 % → 10 %");
  await expect(dialog.getByRole("button", { name: "Confirm shift" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 50 %, green 50 %");
  await rollBackToBlue(page);
  expect(await rangeGreenShare()).toBe(0);
  await other.close();
});
