import { expect, test } from "@playwright/test";
import {
  configuredSplit,
  expectOperation,
  expectOperationSucceeded,
  greenSlider,
  openApp,
  rangeGreenShare,
  rollBackToBlue,
  signIn,
  startedOperationId,
} from "./helpers";
import { confirmWithReason, openPatternApp, rangeLifecycles } from "./pattern-helpers";

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
  await expect(dialog.getByRole("button", { name: "Confirm shift" })).toHaveAccessibleDescription("This plan is out of date: reload it to confirm.");
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

test("a standby confirmed after someone else changed the instances is refused as stale; Confirm waits for a reloaded plan", async ({
  page,
  context,
}) => {
  // Real operations run here (Auto Scaling standby, ELB deregistration): allow for a slow machine.
  test.slow();
  await signIn(page, "operator@example.com");
  await openPatternApp(page, "payments-api");
  const blue = page.getByRole("region", { name: "Blue", exact: true });
  await expect(blue.getByRole("checkbox")).not.toHaveCount(0);
  expect((await rangeLifecycles("payments-blue")).every((s) => s === "InService")).toBe(true);

  // Operator A ticks the first blue instance and reads the plan to put it into Standby…
  await blue.getByRole("checkbox").first().check();
  await blue.getByRole("button", { name: /Selected into standby \(1\)/ }).click();
  const dialog = page.getByRole("dialog", { name: /into Standby/ });
  await expect(dialog).toContainText("EnterStandby");
  // The wait is said in words, never as its raw kind.
  await expect(dialog).toContainText(/Wait for 1 instance to be Standby in payments-blue \(DescribeAutoScalingGroups every/);
  await expect(dialog).not.toContainText("asg-instances-state");
  await dialog.getByLabel("Reason").fill("Patch the first payments host");
  const confirm = dialog.getByRole("button", { name: "Confirm standby" });
  await expect(confirm).toBeEnabled();

  // …while operator B, in another tab, puts the second blue instance into Standby.
  const other = await context.newPage();
  await openPatternApp(other, "payments-api");
  const otherBlue = other.getByRole("region", { name: "Blue", exact: true });
  await otherBlue.getByRole("checkbox").nth(1).check();
  await otherBlue.getByRole("button", { name: /Selected into standby \(1\)/ }).click();
  const otherId = await confirmWithReason(other, /into Standby/, "Confirm standby", "Patch the second payments host");
  await expectOperation(other, otherId, "Succeeded");
  await other.close();
  expect((await rangeLifecycles("payments-blue")).filter((s) => s === "Standby")).toHaveLength(1);

  // A confirms the plan made before B's change: refused, nothing changed.
  await confirm.click();
  const alert = dialog.getByRole("alert");
  await expect(alert).toContainText("changed since");
  await expect(dialog).toBeVisible();
  // The same plan would be refused again: Confirm is disabled, says why, and the way on has the keyboard.
  await expect(confirm).toBeDisabled();
  await expect(confirm).toHaveAccessibleDescription("This plan is out of date: reload it to confirm.");
  const reload = alert.getByRole("button", { name: "Reload plan" });
  await expect(reload).toBeFocused();
  await dialog.screenshot({ path: test.info().outputPath("stale-standby-dialog.png") });
  expect((await rangeLifecycles("payments-blue")).filter((s) => s === "Standby")).toHaveLength(1);

  // Reloading reads the plan again with the new state: Confirm is enabled for it.
  await page.keyboard.press("Enter");
  await expect(alert).toBeHidden();
  await expect(confirm).toBeEnabled();
  await expect(confirm).not.toHaveAttribute("aria-describedby");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  expect((await rangeLifecycles("payments-blue")).filter((s) => s === "Standby")).toHaveLength(1);

  // Leave payments all in service.
  await blue.getByRole("button", { name: "Clear selection" }).click();
  await blue.getByRole("button", { name: "All blue back in service" }).click();
  const backId = await confirmWithReason(page, /out of Standby/, "Confirm return to service", "Patching done");
  await expectOperation(page, backId, "Succeeded");
  expect((await rangeLifecycles("payments-blue")).every((s) => s === "InService")).toBe(true);
});
