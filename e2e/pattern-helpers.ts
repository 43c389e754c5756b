import { expect, type Page } from "@playwright/test";
import { expectOperation, operationPanel, startedOperationId } from "./helpers";

/** The practice range's state as GET /_sim/state returns it (only the parts these specs read). */
interface RangeWorld {
  autoScalingGroups: { name: string; desiredCapacity: number; instances: { instanceId: string; lifecycleState: string }[] }[];
  services: { name: string; desiredCount: number; taskDefinitionArn: string }[];
  albs: {
    name: string;
    listeners: { rules: { isDefault: boolean; actions: { type: string; targetGroups?: { targetGroupArn: string; weight: number }[] }[] }[] }[];
  }[];
}

export async function rangeWorld(): Promise<RangeWorld> {
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const response = await fetch(`${base}/_sim/state`);
  expect(response.ok).toBe(true);
  return (await response.json()) as RangeWorld;
}

/** Lifecycle state of every instance of an Auto Scaling group on the range. */
export async function rangeLifecycles(groupName: string): Promise<string[]> {
  const group = (await rangeWorld()).autoScalingGroups.find((g) => g.name === groupName);
  if (!group) throw new Error(`No Auto Scaling group ${groupName} on the range.`);
  return group.instances.map((i) => i.lifecycleState);
}

/** An ECS service's desired count and task definition ("family:revision") on the range. */
export async function rangeService(name: string): Promise<{ desired: number; taskDefinition: string }> {
  const service = (await rangeWorld()).services.find((s) => s.name === name);
  if (!service) throw new Error(`No ECS service ${name} on the range.`);
  return { desired: service.desiredCount, taskDefinition: service.taskDefinitionArn.slice(service.taskDefinitionArn.lastIndexOf("/") + 1) };
}

/** Weights of the forward action on an ALB's default listener rule, in target group order. */
export async function rangeAlbWeights(albName: string): Promise<number[]> {
  const alb = (await rangeWorld()).albs.find((a) => a.name === albName);
  const rule = alb?.listeners[0]?.rules.find((r) => r.isDefault);
  const forward = rule?.actions.find((a) => a.type === "forward");
  if (!forward?.targetGroups) throw new Error(`No forward action on ${albName}.`);
  return forward.targetGroups.map((t) => t.weight);
}

/** Opens an application page of any pattern and waits for its data. */
export async function openPatternApp(page: Page, appId: string): Promise<void> {
  await page.goto(`/apps/${appId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(operationPanel(page)).toBeVisible();
}

/** Confirms an open plan dialog with a reason and returns the started operation's id. */
export async function confirmWithReason(page: Page, dialogName: RegExp, confirmLabel: string, reason: string): Promise<string> {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await expect(dialog).toBeVisible();
  // The plan (with its AWS calls) must be there before the confirm button enables.
  await expect(dialog.getByRole("list").first()).toBeVisible();
  await dialog.getByLabel("Reason").fill(reason);
  const confirm = dialog.getByRole("button", { name: confirmLabel });
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog).toBeHidden();
  return startedOperationId(page);
}

/** Shifts with a preset button through the confirm dialog, waits for the shift to succeed, returns its id. */
export async function shiftWithPreset(page: Page, preset: number, reason: string): Promise<string> {
  await page
    .getByRole("group", { name: "Presets" })
    .getByRole("button", { name: `${preset} %`, exact: true })
    .click();
  const id = await confirmWithReason(page, /Shift traffic/, "Confirm shift", reason);
  await expectOperation(page, id, "Succeeded");
  return id;
}

interface ExportedOperation {
  id: string;
  intent: { kind: string };
  status: string;
  reason: string;
  actor: { email: string };
}

/**
 * The History page lists the operation for its app with actor, reason and outcome, and the JSON
 * export of the same filters carries it. Leaves the page on History.
 */
export async function expectInHistory(
  page: Page,
  op: { appId: string; operationId: string; actor: string; reason: string | null; intent: string; status: string },
): Promise<void> {
  const query = new URLSearchParams({ app: op.appId, actor: op.actor, intent: op.intent });
  await page.goto(`/history?${query.toString()}`);
  const row = page.getByRole("list", { name: "Operations" }).getByRole("listitem").filter({ hasText: op.operationId });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(op.actor);
  // No reason given is said in words, never quoted as if someone had written it.
  await expect(row).toContainText(op.reason === null ? "no reason given" : `“${op.reason}”`);
  await expect(row).toContainText(op.status);
  const exported = await page.request.get(`/api/history/operations?format=json&${query.toString()}`);
  expect(exported.ok()).toBe(true);
  const body = (await exported.json()) as { operations: ExportedOperation[] };
  const found = body.operations.find((o) => o.id === op.operationId);
  expect(found, `operation ${op.operationId} in the JSON export`).toBeDefined();
  expect(found?.actor.email).toBe(op.actor);
  expect(found?.intent.kind).toBe(op.intent);
  expect(found?.status).toBe(op.status.toLowerCase());
  expect(found?.reason).toBe(op.reason ?? "");
}

/**
 * The audit record of the change an operation made (e.g. standby.entered) is on the History page's
 * audit view, filtered by that action, and in the JSON export with the operation's id.
 */
export async function expectAuditRecord(page: Page, record: { appId: string; operationId: string; action: string; reason: string }): Promise<void> {
  const query = new URLSearchParams({ view: "audit", app: record.appId, action: record.action });
  await page.goto(`/history?${query.toString()}`);
  const row = page.getByRole("row").filter({ hasText: record.action }).filter({ hasText: record.reason });
  await expect(row.first()).toBeVisible();
  const exported = await page.request.get(`/api/history/audit?format=json&${query.toString()}`);
  expect(exported.ok()).toBe(true);
  const body = (await exported.json()) as { audit: { action: string; operationId: string | null; reason: string | null }[] };
  const found = body.audit.find((r) => r.operationId === record.operationId);
  expect(found, `${record.action} of operation ${record.operationId} in the JSON export`).toMatchObject({
    action: record.action,
    reason: record.reason,
  });
}

/** Sets the range's clock speed and returns the one it had (POST /_sim/clock). */
export async function setRangeSpeed(speed: number): Promise<number> {
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const before = (await (await fetch(`${base}/_sim/state`)).json()) as { config: { speed: number } };
  const response = await fetch(`${base}/_sim/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ speed }),
  });
  expect(response.ok).toBe(true);
  return before.config.speed;
}
