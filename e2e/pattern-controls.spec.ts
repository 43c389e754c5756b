import { expect, test } from "@playwright/test";
import { axe } from "./axe";
import { configuredSplit, expectOperation, rollBack, signIn, startedOperationId } from "./helpers";
import { NOTIFICATIONS, PAYMENTS } from "./demo-apps";
import {
  confirmWithReason,
  expectAuditRecord,
  expectInHistory,
  openPatternApp,
  rangeLifecycles,
  rangeService,
  setRangeSpeed,
} from "./pattern-helpers";

// The controls beside the slider, per pattern of the demo world (teal.config.yaml): standby, scale
// green, an ECS deployment, a rollback that preempts a shift, accessibility and a viewer's page.
// Each test leaves its application all blue. The shifts and rollbacks per pattern are in
// patterns.spec.ts (two files, so that two browser worlds of `npm test` can share them).

test.beforeEach(async ({ page }) => {
  // Real operations run on the range (launches, health checks, rollouts): allow for a slow machine.
  test.slow();
  await signIn(page, "operator@example.com");
});

test("standby: one ticked blue instance into Standby, then all blue back in service in bulk", async ({ page }) => {
  await openPatternApp(page, PAYMENTS.id);
  const blue = page.getByRole("region", { name: "Blue", exact: true });
  const firstBox = blue.getByRole("checkbox").first();
  await firstBox.check();
  await blue.getByRole("button", { name: /Selected into standby \(1\)/ }).click();
  const enterId = await confirmWithReason(page, /into Standby/, "Confirm standby", "Patch one payments host");
  await expectOperation(page, enterId, "Succeeded");
  expect((await rangeLifecycles(PAYMENTS.blue.autoScalingGroup)).filter((s) => s === "Standby")).toHaveLength(1);
  // Standby is marked by a word, not only a colour.
  await expect(blue.getByRole("table")).toContainText("Standby");

  await blue.getByRole("button", { name: "All blue back in service" }).click();
  const exitId = await confirmWithReason(page, /out of Standby/, "Confirm return to service", "Patch done");
  await expectOperation(page, exitId, "Succeeded");
  expect((await rangeLifecycles(PAYMENTS.blue.autoScalingGroup)).every((s) => s === "InService")).toBe(true);
  const who = { appId: PAYMENTS.id, actor: "operator@example.com", status: "Succeeded" };
  await expectInHistory(page, { ...who, operationId: enterId, reason: "Patch one payments host", intent: "standby-enter" });
  await expectInHistory(page, { ...who, operationId: exitId, reason: "Patch done", intent: "standby-exit" });
  await expectAuditRecord(page, { appId: PAYMENTS.id, operationId: enterId, action: "standby.entered", reason: "Patch one payments host" });
  await expectAuditRecord(page, { appId: PAYMENTS.id, operationId: exitId, action: "standby.exited", reason: "Patch done" });
});

test("scale green: the change is recorded as capacity.scaled, not as a traffic shift", async ({ page }) => {
  await openPatternApp(page, PAYMENTS.id);
  const scale = page.getByLabel("Scale green");
  const before = Number(await scale.inputValue());
  const scaleTo = async (n: number, reason: string): Promise<string> => {
    await scale.fill(String(n));
    await page.getByRole("button", { name: "Scale green…" }).click();
    const id = await confirmWithReason(page, /^Scale green/, "Confirm scale", reason);
    await expectOperation(page, id, "Succeeded");
    return id;
  };
  const upId = await scaleTo(before + 1, "One more green host for the soak");
  const downId = await scaleTo(before, "Back to the usual green size");
  await expectAuditRecord(page, { appId: PAYMENTS.id, operationId: upId, action: "capacity.scaled", reason: "One more green host for the soak" });
  await expectAuditRecord(page, { appId: PAYMENTS.id, operationId: downId, action: "capacity.scaled", reason: "Back to the usual green size" });
  const shifts = await page.request.get(`/api/history/audit?format=json&app=${PAYMENTS.id}&action=traffic.shifted`);
  const { audit } = (await shifts.json()) as { audit: { operationId: string | null }[] };
  expect(audit.map((r) => r.operationId)).not.toContain(upId);
});

test("ecs-rolling: deploy a revision, follow it to COMPLETED in the deployment panel, roll back", async ({ page }) => {
  await openPatternApp(page, NOTIFICATIONS.id);
  const before = (await rangeService(NOTIFICATIONS.service)).taskDefinition;
  // Seeded straight on its revision: nothing tells which one served before, so the button asks.
  await page.getByRole("button", { name: "Roll back to…" }).click();
  const ask = page.getByRole("dialog", { name: "Roll back to a revision" });
  await expect(ask.getByLabel("Revision to roll back to")).toBeVisible();
  await expect(ask.getByRole("button", { name: "Roll back now" })).toBeDisabled();
  await ask.getByRole("button", { name: "Cancel" }).click();
  const deploy = page.getByRole("region", { name: /^Deploy/ });
  const select = deploy.getByLabel("Task definition revision");
  const target = await select.inputValue();
  expect(target).not.toBe(before);
  await deploy.getByRole("button", { name: "Deploy revision…" }).click();
  const id = await confirmWithReason(page, new RegExp(`Deploy ${target}`), "Confirm deploy", "Release the new notifications build");
  await expectOperation(page, id, "Succeeded");
  const service = page.getByRole("region", { name: /ECS service/ });
  const primaryRow = service.getByRole("row", { name: new RegExp(`PRIMARY.*${target}`) });
  await expect(primaryRow).toContainText("Completed");
  await expect(page.getByRole("region", { name: "Rollout" })).toContainText(target);
  expect((await rangeService(NOTIFICATIONS.service)).taskDefinition).toBe(target);

  // The revision that served before the deploy is named on the button.
  await expect(page.getByRole("button", { name: `Roll back to ${before.slice(before.lastIndexOf(":"))}`, exact: true })).toBeVisible();
  await rollBack(page);
  expect((await rangeService(NOTIFICATIONS.service)).taskDefinition).toBe(before);
  await expect(service.getByRole("row", { name: new RegExp(`PRIMARY.*${before}`) })).toContainText("Completed");
  await expectInHistory(page, {
    appId: NOTIFICATIONS.id,
    actor: "operator@example.com",
    operationId: id,
    reason: "Release the new notifications build",
    intent: "deploy-revision",
    status: "Succeeded",
  });
  await expectAuditRecord(page, {
    appId: NOTIFICATIONS.id,
    operationId: id,
    action: "revision.deployed",
    reason: "Release the new notifications build",
  });
});

test("a rollback during a running shift preempts it", async ({ page }) => {
  await openPatternApp(page, PAYMENTS.id);
  // Real time on the range while the shift runs, so the rollback lands mid-shift (green instances still booting).
  const speed = await setRangeSpeed(1);
  try {
    await page.getByRole("group", { name: "Presets" }).getByRole("button", { name: "100 %", exact: true }).click();
    const shiftId = await confirmWithReason(page, /^Promote green: /, "Promote", "Full cutover of payments");
    await expectOperation(page, shiftId, "Running");
    await page.getByRole("button", { name: /^Roll back to/ }).click();
    const dialog = page.getByRole("dialog", { name: /Roll back/ });
    await dialog.getByRole("button", { name: "Roll back now" }).click();
    await expect(dialog).toBeHidden();
    await setRangeSpeed(speed);
    const rollbackId = await startedOperationId(page);
    expect(rollbackId).not.toBe(shiftId);
    await expectOperation(page, rollbackId, "Succeeded");
    const snapshot = await page.request.get(`/api/apps/${PAYMENTS.id}/snapshot?range=60`);
    expect(snapshot.ok()).toBe(true);
    const body = (await snapshot.json()) as { markers: { id: string; status: string }[] };
    expect(body.markers.find((m) => m.id === shiftId)?.status).toBe("preempted");
    await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 100 %, green 0 %");
    expect((await rangeLifecycles(PAYMENTS.blue.autoScalingGroup)).every((s) => s === "InService")).toBe(true);
    const who = { appId: PAYMENTS.id, actor: "operator@example.com" };
    await expectInHistory(page, { ...who, operationId: shiftId, reason: "Full cutover of payments", intent: "promote", status: "Preempted" });
    await expectInHistory(page, { ...who, operationId: rollbackId, reason: null, intent: "rollback", status: "Succeeded" });
  } finally {
    await setRangeSpeed(speed);
  }
});

test("the application page has no critical accessibility violations", async ({ page }) => {
  for (const appId of [PAYMENTS.id, NOTIFICATIONS.id]) {
    await openPatternApp(page, appId);
    await expect(page.locator("summary", { hasText: "Risk review" })).toBeVisible();
    const results = await axe(page).analyze();
    const critical = results.violations.filter((v) => v.impact === "critical");
    expect(critical.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  }
});

test("a viewer sees the panels but no controls", async ({ page }) => {
  await page.context().clearCookies();
  await signIn(page, "viewer@example.com");
  await openPatternApp(page, PAYMENTS.id);
  await expect(page.getByRole("region", { name: "Blue", exact: true })).toContainText("Capacity");
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await expect(page.getByRole("slider")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /standby/i })).toHaveCount(0);
});
