import { axe } from "./axe";
import { expect, test, type Page } from "@playwright/test";
import {
  APP_ID,
  expectOperationSucceeded,
  greenSlider,
  openApp,
  rangeGreenShare,
  rollBackToBlue,
  setRangeWeights,
  signIn,
  startedOperationId,
} from "./helpers";
import { demoApp, dnsOf } from "./demo-apps";

const RECORD = dnsOf(APP_ID).recordName;
const BANNER = /AWS differs from Teal's last operation: green 40 %, expected 10 %/;

/** Sets the record weights with the real SDK against the range: a change made behind Teal's back. */
const setWeightsBehindTealsBack = (green: number): Promise<void> => setRangeWeights(green, RECORD);

/** No colour-contrast (or other serious) axe violation inside `selector`, in the theme in effect. */
async function expectReadable(page: Page, selector: string): Promise<void> {
  const results = await axe(page).include(selector).analyze();
  const bad = results.violations.filter((v) => v.id === "color-contrast" || v.impact === "critical" || v.impact === "serious");
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("drift made behind Teal's back shows on the app page, the overview and the wall; a responder re-asserts it with one confirmed click", async ({
  page,
}, testInfo) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "operator@example.com");
  await openApp(page);
  await rollBackToBlue(page);
  // Teal's last operation: a shift to 10 % from the console.
  const slider = greenSlider(page);
  await slider.focus();
  await slider.press("PageUp");
  await expect(slider).toHaveAttribute("aria-valuenow", "10");
  await slider.press("Enter");
  const shiftDialog = page.getByRole("dialog", { name: /Shift traffic/ });
  await shiftDialog.getByLabel("Reason").fill("Canary");
  await shiftDialog.getByRole("button", { name: "Confirm shift" }).click();
  await expect(page.getByRole("status")).toContainText("Traffic shift started");
  await expectOperationSucceeded(page, await startedOperationId(page));
  await expect(page.getByRole("region", { name: "Drift" })).toHaveCount(0);

  await setWeightsBehindTealsBack(40);
  expect(await rangeGreenShare()).toBe(40);

  // The application page, within one refresh (the suite refreshes every second).
  const banner = page.getByRole("region", { name: "Drift" });
  await expect(banner).toContainText(BANNER, { timeout: 10_000 });
  await expect(banner.getByRole("button", { name: "Re-assert last state" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("drift-app-1440.png") });
  await expectReadable(page, "[aria-label='Drift']");

  // The overview card, in both themes.
  await page.goto("/overview");
  const card = page.getByRole("article").filter({ hasText: demoApp(APP_ID).name });
  await expect(card.getByTestId("drift-marker")).toContainText(BANNER);
  await page.screenshot({ path: testInfo.outputPath("drift-overview-1440.png") });
  await expectReadable(page, "[data-testid='drift-marker']");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(card.getByTestId("drift-marker")).toContainText(BANNER);
  await expectReadable(page, "[data-testid='drift-marker']");

  // The wall tile, at 1920 × 1080.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/wall");
  const tile = page.getByRole("article", { name: demoApp(APP_ID).name });
  const alarmList = tile.getByRole("list", { name: "Alarms" });
  await expect(alarmList).toContainText(BANNER);
  // Read across a room, the alarm must be whole: inside its tile, not cut off at the edge.
  const [tileBox, alarmBox] = [await tile.boundingBox(), await alarmList.boundingBox()];
  if (!tileBox || !alarmBox) throw new Error("the tile or its alarm list has no box");
  expect(alarmBox.y + alarmBox.height).toBeLessThanOrEqual(tileBox.y + tileBox.height);
  await page.screenshot({ path: testInfo.outputPath("drift-wall-1920x1080.png") });
  await expectReadable(page, `article[aria-label='${demoApp(APP_ID).name}']`);

  // A responder re-asserts from the application page (dark theme): one click, one confirm.
  await page.context().clearCookies();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "responder@example.com");
  await openApp(page);
  await expect(banner).toContainText(BANNER);
  await expectReadable(page, "[aria-label='Drift']");
  await page.screenshot({ path: testInfo.outputPath("drift-app-dark-1440.png") });
  await banner.getByRole("button", { name: "Re-assert last state" }).click();
  const dialog = page.getByRole("dialog", { name: /Re-assert last state: green back to 10 %/ });
  await expect(dialog).toContainText("ChangeResourceRecordSets");
  await page.screenshot({ path: testInfo.outputPath("drift-dialog-1440.png") });
  await dialog.getByRole("button", { name: "Re-assert now" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status")).toContainText("Re-assert started");
  await expectOperationSucceeded(page, await startedOperationId(page));
  expect(await rangeGreenShare()).toBe(10);
  await expect(banner).toHaveCount(0);
  // Leave shop as the other specs expect it: all traffic on blue.
  await rollBackToBlue(page);
});
