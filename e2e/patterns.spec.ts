import { expect, test } from "@playwright/test";
import { configuredSplit, rollBack, signIn } from "./helpers";
import { CATALOG, CHECKOUT, ORDERS, PAYMENTS, PROFILE } from "./demo-apps";
import { expectInHistory, openPatternApp, rangeAlbWeights, rangeLifecycles, rangeService, shiftWithPreset } from "./pattern-helpers";

// A shift and a rollback per pattern, one application each in the demo world (teal.config.yaml);
// each test leaves it all blue. The other controls per pattern are in pattern-controls.spec.ts.

test.beforeEach(async ({ page }) => {
  // Real operations run on the range (launches, health checks, rollouts): allow for a slow machine.
  test.slow();
  await signIn(page, "operator@example.com");
});

test("alb-weighted: shift to 25 % moves the listener weights, roll back restores them", async ({ page }) => {
  await openPatternApp(page, CATALOG.id);
  await expect(page.getByRole("region", { name: "Application Load Balancer" })).toContainText(CATALOG.blue.targetGroup);
  const shiftId = await shiftWithPreset(page, 25, "Canary of the catalog build");
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 75 %, green 25 %");
  const [blue, green] = await rangeAlbWeights(CATALOG.loadBalancer);
  expect(Math.round(((green ?? 0) / ((blue ?? 0) + (green ?? 0))) * 100)).toBe(25);
  const rollbackId = await rollBack(page);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
  expect((await rangeAlbWeights(CATALOG.loadBalancer))[1]).toBe(0);
  const who = { appId: "catalog-api", actor: "operator@example.com" };
  await expectInHistory(page, { ...who, operationId: shiftId, reason: "Canary of the catalog build", intent: "shift", status: "Succeeded" });
  await expectInHistory(page, { ...who, operationId: rollbackId, reason: null, intent: "rollback", status: "Succeeded" });
});

test("ecs-elb-swap: the slider snaps to whole tasks; shift to 50 % and roll back", async ({ page }) => {
  await openPatternApp(page, ORDERS.id);
  const slider = page.getByRole("slider", { name: /Green traffic/ });
  await slider.focus();
  await slider.press("ArrowRight");
  // Four tasks in the budget: one arrow step is one task, 25 %.
  await expect(slider).toHaveAttribute("aria-valuenow", "25");
  await slider.press("Home");
  await shiftWithPreset(page, 50, "Half the orders tasks on green");
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 50 %, green 50 %");
  expect((await rangeService(ORDERS.green.service)).desired).toBe(2);
  await expect(page.getByRole("region", { name: /Green ECS service/ })).toContainText("PRIMARY");
  await rollBack(page);
  expect((await rangeService(ORDERS.green.service)).desired).toBe(0);
  expect((await rangeService(ORDERS.blue.service)).desired).toBe(4);
});

test("ecs-dns-swap: shift to 10 % of DNS answers and roll back", async ({ page }) => {
  await openPatternApp(page, PROFILE.id);
  await expect(page.getByRole("region", { name: /Route 53/ })).toBeVisible();
  await shiftWithPreset(page, 10, "First DNS share for the profile service");
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 90 %, green 10 %");
  await rollBack(page);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
});

test("asg-swap: shift to 25 % puts one blue instance into Standby, roll back brings it back", async ({ page }) => {
  await openPatternApp(page, PAYMENTS.id);
  await shiftWithPreset(page, 25, "One green instance for payments");
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 75 %, green 25 %");
  expect((await rangeLifecycles(PAYMENTS.blue.autoScalingGroup)).filter((s) => s === "Standby")).toHaveLength(1);
  await rollBack(page);
  expect((await rangeLifecycles(PAYMENTS.blue.autoScalingGroup)).every((s) => s === "InService")).toBe(true);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
});

test("launch-swap: shift to 25 % and roll back on one group", async ({ page }) => {
  await openPatternApp(page, CHECKOUT.id);
  await shiftWithPreset(page, 25, `First instance on ${CHECKOUT.green.launchConfiguration}`);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 75 %, green 25 %");
  await rollBack(page);
  await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
  expect((await rangeLifecycles(CHECKOUT.autoScalingGroup)).filter((s) => s === "Standby")).toHaveLength(0);
});
