// Files run in name order on one worker. This one comes after every spec that shifts shop: the
// restored green's failing minutes stay in the verdict's 5-minute CloudWatch window after the test,
// so for five minutes more a shift of shop rightly asks for the override.
import { expect, test } from "@playwright/test";
import { APP_ID, configuredSplit, expectOperationSucceeded, openApp, rollBackToBlue, signIn, startedOperationId } from "./helpers";
import { demoApp } from "./demo-apps";

const SHOTS = process.env.E2E_SHOTS_DIR ?? "test-results/verdict";

/** Sets green's (v42's) 5xx rate on the practice range. */
async function setGreenErrorRate(errorRate: number): Promise<void> {
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const response = await fetch(`${base}/_sim/versions/v42`, { method: "PUT", body: JSON.stringify({ errorRate }) });
  expect(response.ok).toBe(true);
}

test("a failing green is a status on the header, the overview card and the wall tile, and more traffic to it asks for an override", async ({
  page,
}) => {
  // Green needs a whole CloudWatch minute of requests behind the DNS clients' caches: real minutes.
  test.setTimeout(360_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "operator@example.com");
  await openApp(page);
  await rollBackToBlue(page);
  try {
    await setGreenErrorRate(0.3);
    // A canary: green has no traffic yet, so nothing can be said against it and no override is asked.
    await page.getByRole("group", { name: "Presets" }).getByRole("button", { name: "25 %", exact: true }).click();
    const canary = page.getByRole("dialog", { name: "Shift traffic: green 0 % → 25 %" });
    await expect(canary.getByRole("region", { name: "Green compared with blue" })).toContainText(/Not enough traffic yet|Green OK/);
    await canary.getByLabel("Reason").fill("Canary of v42");
    await canary.getByRole("button", { name: "Confirm shift" }).click();
    await expect(canary).toBeHidden();
    await expectOperationSucceeded(page, await startedOperationId(page));
    await expect(configuredSplit(page)).toHaveAccessibleName("Configured split: blue 75 %, green 25 %");

    // Every health check still passes; the 5xx rate of green against blue's says it is failing.
    const header = page.locator("p[data-verdict]").first();
    await expect(header).toHaveAttribute("data-verdict", "failing", { timeout: 180_000 });
    await expect(header).toContainText("Green failing");
    await expect(header).toContainText(/green 5xx \d+\.\d % vs blue \d+\.\d+ %/);
    await expect(header).toContainText("last 5 min");
    await page.screenshot({ path: `${SHOTS}/app-1440.png` });

    // More traffic onto it: the dialog says so and confirming needs the application id typed.
    await page.getByRole("group", { name: "Presets" }).getByRole("button", { name: "50 %", exact: true }).click();
    const more = page.getByRole("dialog", { name: "Shift traffic: green 25 % → 50 %" });
    await expect(more.getByRole("region", { name: "Green compared with blue" })).toContainText("Green failing");
    await more.getByLabel("Reason").fill("More traffic");
    const confirm = more.getByRole("button", { name: "Confirm shift" });
    await expect(confirm).toBeDisabled();
    const override = more.getByLabel(`Type ${APP_ID} to shift anyway`);
    await override.fill("yes");
    await expect(confirm).toBeDisabled();
    await override.fill(APP_ID);
    await expect(confirm).toBeEnabled();
    await more.getByRole("region", { name: "Green compared with blue" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/shift-dialog-1440.png` });
    await more.getByRole("button", { name: "Cancel" }).click();
    await expect(more).toBeHidden();

    await page.goto("/overview");
    const card = page.getByRole("article").filter({ has: page.getByRole("link", { name: demoApp(APP_ID).name }) });
    await expect(card.locator("[data-verdict]")).toHaveAttribute("data-verdict", "failing");
    await expect(card).toContainText(/Green failing\s*green 5xx \d+\.\d % vs blue/);
    await page.screenshot({ path: `${SHOTS}/overview-1440.png` });

    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto("/wall");
    const tile = page.getByRole("list", { name: "Applications" }).getByRole("article", { name: demoApp(APP_ID).name });
    await expect(tile.locator("[data-verdict]")).toHaveAttribute("data-verdict", "failing");
    await expect(tile).toContainText("Green failing");
    await expect(tile).not.toContainText("No alarms");
    await page.screenshot({ path: `${SHOTS}/wall-1920.png` });
  } finally {
    // Leave the range as the other specs expect it: green's demo error rate, all traffic on blue.
    await setGreenErrorRate(0.0008);
    await page.setViewportSize({ width: 1440, height: 900 });
    await openApp(page);
    await rollBackToBlue(page);
  }
});
