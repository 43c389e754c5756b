import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { axe } from "./axe";
import { APP_ID, expectOperationSucceeded, openApp, rollBack, rollBackToBlue, setRangeWeights, signIn, startedOperationId } from "./helpers";

const SHOTS = process.env.E2E_SHOTS_DIR ?? "";

test("history shows an operation with its actor, reason and steps, and exports it as CSV and JSON", async ({ page }) => {
  const reason = `History check ${Date.now()}`;
  // Something to roll back (a rollback of an application already on blue starts no operation).
  await setRangeWeights(10);
  await signIn(page, "responder@example.com");
  await openApp(page);
  await page.getByRole("button", { name: /^Roll back to blue/ }).click();
  const dialog = page.getByRole("dialog", { name: "Roll back to blue" });
  await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  const operationId = await startedOperationId(page);
  await expectOperationSucceeded(page, operationId);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "History" })).toBeVisible();
  const form = page.getByRole("form", { name: "Filters" });
  await form.getByLabel("Application").selectOption(APP_ID);
  await form.getByLabel("Actor (email)").fill("responder@example.com");
  await form.getByLabel("Intent").selectOption("rollback");
  await form.getByLabel("Outcome").selectOption("succeeded");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/actor=responder%40example\.com/);

  const operations = page.getByRole("list", { name: "Operations" });
  const row = operations.getByRole("listitem").filter({ hasText: reason });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("responder@example.com");
  await expect(row).toContainText("Succeeded");
  // Every row matches the filters.
  for (const text of await operations.getByRole("listitem").allTextContents()) expect(text).toContain("responder@example.com");

  // The row opens to its steps: title, AWS call, status and timing.
  await row.locator("summary").click();
  const steps = row.getByRole("table", { name: "Steps" });
  await expect(steps).toBeVisible();
  await expect(steps).toContainText("route53 · ChangeResourceRecordSets");
  await expect(steps).toContainText("Done");
  await expect(row).toContainText(operationId);

  const csvDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^teal-operations-\d{8}T\d{6}Z\.csv$/);
  const csvText = await readFile(await csv.path(), "utf8");
  const lines = csvText.split("\r\n");
  expect(lines[0]).toBe(
    "id,app_id,pattern,intent,summary,status,actor_email,actor_role,reason,created_at,started_at,finished_at,duration_s,steps,steps_done,failed_step,error",
  );
  const line = lines.find((l) => l.startsWith(`${operationId},`));
  expect(line).toContain(`,rollback,`);
  expect(line).toContain(`,succeeded,responder@example.com,responder,${reason},`);
  // The filters went with the export: nobody else's operations.
  expect(
    lines
      .slice(1)
      .filter((l) => l !== "")
      .every((l) => l.includes(",responder@example.com,")),
  ).toBe(true);

  const jsonDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export JSON" }).click();
  const json = await jsonDownload;
  expect(json.suggestedFilename()).toMatch(/^teal-operations-\d{8}T\d{6}Z\.json$/);
  const body = JSON.parse(await readFile(await json.path(), "utf8")) as {
    operations: {
      id: string;
      reason: string;
      actor: { email: string };
      status: string;
      steps: { title: string; call?: { operation: string }; status: string }[];
    }[];
  };
  const exported = body.operations.find((o) => o.id === operationId);
  expect(exported).toMatchObject({ reason, actor: { email: "responder@example.com" }, status: "succeeded" });
  expect(exported?.steps.length).toBeGreaterThan(0);
  expect(exported?.steps.every((s) => s.status === "succeeded" || s.status === "skipped")).toBe(true);

  // The audit log shows the same operation, and exports too.
  await page.getByRole("link", { name: /^Audit log/ }).click();
  await expect(page.getByRole("table", { name: "Audit log" })).toContainText(reason);
  const auditDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const auditCsv = await readFile(await (await auditDownload).path(), "utf8");
  expect(auditCsv.split("\r\n")[0]).toBe("seq,at,action,actor_email,actor_role,app_id,operation_id,reason,before,after,hash");
  expect(auditCsv).toContain(`,responder@example.com,responder,${APP_ID},${operationId},${reason},`);
});

test("the exports refuse a caller who is not signed in, and refuse bad filters", async ({ page, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await anonymous.get("/api/history/operations?format=csv")).status()).toBe(401);
  expect((await anonymous.get("/api/history/audit?format=json")).status()).toBe(401);
  await anonymous.dispose();

  await signIn(page, "viewer@example.com");
  const bad = await page.request.get("/api/history/operations?format=xml");
  expect(bad.status()).toBe(400);
  const badFilter = await page.request.get("/api/history/audit?format=csv&since=yesterday");
  expect(badFilter.status()).toBe(400);
  expect(await badFilter.json()).toMatchObject({ error: { code: "invalid", message: expect.stringContaining("since") } });
});

test("the Outcomes view counts a change that was rolled back, with its times to detect and to roll back, and passes axe in both themes", async ({
  page,
}) => {
  // A change through the REST API with the operator's session (as the console's own pages send it):
  // green from blue-only to 20 %; then a responder's rollback from the application page.
  await signIn(page, "operator@example.com");
  await openApp(page);
  await rollBackToBlue(page);
  const appUrl = new URL(page.url()).origin;
  const started = await page.request.post(`/api/v1/apps/${APP_ID}/operations`, {
    headers: { origin: appUrl },
    data: { intent: { kind: "shift", greenPercent: 20 }, reason: "outcomes check" },
  });
  expect(started.status(), await started.text()).toBe(202);
  const { operation } = (await started.json()) as { operation: { id: string } };
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/v1/operations/${operation.id}`)).json()) as { operation: { status: string } }).operation.status,
      {
        timeout: 60_000,
      },
    )
    .toBe("succeeded");
  await openApp(page);
  await rollBack(page);

  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => localStorage.setItem("teal-theme", t), theme);
    await page.goto("/history");
    await page.getByRole("navigation", { name: "History views" }).getByRole("link", { name: "Outcomes" }).click();
    await expect(page).toHaveURL(/view=outcomes/);
    const table = page.getByRole("table", { name: /Outcomes per application, last 30 days/ });
    const shop = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "Shop", exact: false }) })
      .first();
    await expect(shop).toBeVisible();
    const cells = await shop.getByRole("cell").allTextContents();
    // Changes, rolled back, rate, time to detect, time to roll back, last rollback.
    expect(Number(cells[0])).toBeGreaterThanOrEqual(1);
    expect(Number(cells[1])).toBeGreaterThanOrEqual(1);
    expect(cells[2]).toMatch(/^\d+ %$/);
    expect(cells[3]).toMatch(/\d+ (s|min)/);
    expect(cells[4]).toMatch(/\d+ (s|min)/);
    expect(cells[5]).toMatch(/^\d{4}-\d{2}-\d{2}/);
    await expect(table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "All applications" }) })).toBeVisible();
    // The window is in the URL, and the 7-day link keeps the view.
    await page.getByRole("navigation", { name: "Outcome window" }).getByRole("link", { name: "7 days" }).click();
    await expect(page.getByRole("table", { name: /last 7 days/ })).toBeVisible();
    const results = await axe(page).include("main").analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/history-outcomes-${theme}.png`, fullPage: true });
  }
});
