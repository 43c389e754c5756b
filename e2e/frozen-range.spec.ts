import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { demoApp } from "./demo-apps";
import { APP_ID, expectOperationSucceeded, greenSlider, signIn } from "./helpers";

// AWS stops answering (the practice range is SIGSTOPped: its port still accepts connections, nothing
// answers). The application page still draws its title and Roll back at once from the configuration,
// the rollback dialog says plainly that the plan waits on AWS, and the application page and the
// overview say the data is stale instead of showing calm green badges; all recovers after SIGCONT.

const SHOTS = process.env.E2E_SHOTS_DIR ?? "";
const DESKTOP = { width: 1440, height: 900 };
/** Two refresh intervals (5 s) and a poll: the threshold the stale banner must meet, with room for a busy machine. */
const STALE_WITHIN_MS = 20_000;
/** A CloudWatch period (the series are read once a minute), a refresh and room for a busy machine. */
const METRIC_PERIOD_WAIT_MS = 100_000;

async function rangePid(): Promise<number> {
  const range = process.env.RANGE_URL;
  if (!range) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const { pid } = (await (await fetch(`${range}/_sim/health`)).json()) as { pid: number };
  return pid;
}

async function setTheme(page: Page, theme: "light" | "dark"): Promise<void> {
  await page.evaluate((t) => {
    document.documentElement.classList.toggle("dark", t === "dark");
    document.documentElement.style.colorScheme = t;
  }, theme);
}

/** Light and dark screenshots for a person to look at (only when E2E_SHOTS_DIR is set). */
async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ["light", "dark"] as const) {
    await setTheme(page, theme);
    // Cards fade their colours (transition-colors), and a tab in the background does not run
    // transitions: finish them for the picture.
    await page.screenshot({ path: `${SHOTS}/${name}-${theme}.png`, animations: "disabled" });
  }
  await setTheme(page, "light");
}

test("with AWS frozen, Roll back is drawn at once and tells the truth, every page says stale, and all recovers", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize(DESKTOP);
  await signIn(page, "responder@example.com");

  // Before: the overview is live and the server has read every application once.
  await page.goto("/overview");
  const cards = page.getByRole("region", { name: "Applications" }).getByRole("article");
  await expect(cards.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("stale-banner")).toHaveCount(0);
  await expect(page.getByText(/Updated .* refreshes every 5 s/)).toBeVisible();
  // The server has read shop: its card shows a health, not "not read yet" (a busy machine's first
  // reads can take longer than the cards take to draw). What the frozen pages show is that read.
  await expect(cards.filter({ hasText: demoApp(APP_ID).name })).toContainText("Healthy", { useInnerText: true, timeout: 60_000 });

  const pid = await rangePid();
  process.kill(pid, "SIGSTOP");
  let thawed = false;
  let operationId: string | null = null;
  try {
    // A page opened while AWS does not answer: name, pattern and Roll back come from the configuration.
    const opened = Date.now();
    await page.goto(`/apps/${APP_ID}`);
    const rollBack = page.getByRole("button", { name: /^Roll back/ });
    await expect(rollBack).toBeVisible({ timeout: 5_000 });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(demoApp(APP_ID).name);
    await expect(page.getByText("DNS weighted", { exact: true })).toBeVisible();
    expect(Date.now() - opened).toBeLessThan(15_000);
    const buttonBox = await rollBack.boundingBox();

    // Within the threshold the page says AWS is silent, and no health badge claims Healthy.
    const banner = page.getByTestId("stale-banner");
    await expect(banner).toContainText(/AWS has not answered for \d+ s(?: |$)|AWS has not answered for \d+ min/, { timeout: STALE_WITHIN_MS });
    await expect(banner).toContainText(/showing data from \d\d:\d\d:\d\d|nothing to show yet/);
    const panels = page.getByTestId("aws-panels");
    if ((await panels.count()) > 0) {
      // Each colour's status badge (in its column's header) reads Stale, not a green Healthy (as rendered: innerText).
      for (const colour of ["Blue", "Green"]) {
        const header = panels.getByRole("region", { name: colour, exact: true }).locator("header");
        await expect(header).toContainText("Stale", { useInnerText: true });
        await expect(header).not.toContainText("Healthy", { useInnerText: true });
      }
    }
    // The button did not move when the data (or the banner) arrived.
    expect(await rollBack.boundingBox()).toEqual(buttonBox);
    await shoot(page, "app-frozen");

    // The dialog opens and says plainly that the plan waits on AWS; confirming stays possible.
    await rollBack.click();
    const dialog = page.getByRole("dialog", { name: /^Roll back/ });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("AWS is not answering; the plan will be read when it does", { timeout: 10_000 });
    const confirm = dialog.getByRole("button", { name: "Roll back now" });
    await expect(confirm).toBeEnabled();
    await shoot(page, "rollback-dialog-frozen");

    // Confirmed while frozen: the server reads AWS before it starts, so the dialog says it waits.
    await confirm.click();
    await expect(dialog).toContainText("Waiting for AWS to answer", { timeout: 10_000 });
    await expect(dialog.getByRole("button", { name: "Rolling back…" })).toBeDisabled();

    // The overview says the same in another tab.
    const overview = await page.context().newPage();
    await overview.setViewportSize(DESKTOP);
    await overview.goto("/overview");
    const overviewBanner = overview.getByTestId("stale-banner");
    await expect(overviewBanner).toContainText(/AWS has not answered for .* — showing data from \d\d:\d\d:\d\d/, { timeout: STALE_WITHIN_MS });
    await expect(overview.getByText(/refreshes every 5 s/)).toHaveCount(0);
    const shop = overview
      .getByRole("region", { name: "Applications" })
      .getByRole("article")
      .filter({ hasText: demoApp(APP_ID).name });
    await expect(shop).toContainText("Stale", { useInnerText: true });
    await expect(shop).not.toContainText("Healthy", { useInnerText: true });
    await shoot(overview, "overview-frozen");

    // AWS answers again: the rollback asked for while frozen starts (or is refused as nothing to do).
    process.kill(pid, "SIGCONT");
    thawed = true;
    const resumed = Date.now();
    // Started (the dialog closes), or refused as nothing to do with shop already on blue.
    const refusal = dialog.getByText(/already on blue|nothing to do/i);
    await expect(async () => {
      expect((await dialog.isHidden()) || (await refusal.count()) > 0).toBe(true);
    }).toPass({ timeout: 120_000 });
    if (await dialog.isHidden()) {
      const status = page.getByRole("status");
      await expect(status).toContainText(/Rollback started: operation \S+/);
      operationId = /operation (\S+)/.exec((await status.textContent()) ?? "")?.[1] ?? null;
      console.log(`[frozen-range] rollback asked for while frozen started ${Date.now() - resumed} ms after AWS answered again: ${operationId}`);
    } else {
      await dialog.getByRole("button", { name: "Cancel" }).click();
    }

    // Both pages recover by themselves.
    await expect(overviewBanner).toHaveCount(0, { timeout: 90_000 });
    await expect(shop).not.toContainText("Stale", { useInnerText: true, timeout: 30_000 });
    await expect(shop).toContainText("Healthy", { useInnerText: true });
    await overview.close();
    await expect(banner).toHaveCount(0, { timeout: 90_000 });
    for (const colour of ["Blue", "Green"]) {
      const header = page.getByTestId("aws-panels").getByRole("region", { name: colour, exact: true }).locator("header");
      await expect(header).toContainText("Healthy", { useInnerText: true });
      await expect(header).not.toContainText("Stale", { useInnerText: true });
    }
  } finally {
    if (!thawed) process.kill(pid, "SIGCONT");
  }
  // Leave the world as found: the rollback (if it started) has finished, shop is all blue.
  if (operationId) await expectOperationSucceeded(page, operationId);
  await expect(page.getByRole("img", { name: /^Configured split: blue 100 %, green 0 %$/ })).toBeVisible();
});

test("with CloudWatch failing, the application page keeps its state and every control, and says the metrics are unavailable", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize(DESKTOP);
  await signIn(page, "operator@example.com");
  await page.goto(`/apps/${APP_ID}`);
  await expect(page.getByRole("img", { name: /^Configured split: blue \d+ %, green \d+ %$/ })).toBeVisible({ timeout: 60_000 });
  const range = process.env.RANGE_URL;
  if (!range) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const rule = { rules: [{ service: "cloudwatch", operation: "GetMetricData", errorRate: 1 }] };
  expect((await fetch(`${range}/_sim/faults`, { method: "POST", body: JSON.stringify(rule) })).ok).toBe(true);
  try {
    // The next metric read meets the failing CloudWatch: the metrics say so, nothing else goes.
    // Series are read once per CloudWatch period (a minute), so that read comes within about one.
    const notice = page.getByTestId("metrics-unavailable");
    await expect(notice).toContainText("Metrics unavailable", { timeout: METRIC_PERIOD_WAIT_MS });
    await expect(notice).toContainText("GetMetricData failed");
    await expect(notice).not.toContainText(/RequestId|arn:|\d{12}/i);
    await expect(page.getByTestId("stale-banner")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Roll back/ })).toBeVisible();
    await expect(greenSlider(page)).toBeVisible();
    await expect(page.getByRole("img", { name: /^Configured split: blue \d+ %, green \d+ %$/ })).toBeVisible();
    // The verdict does not say green is fine: it says it cannot tell.
    await expect(page.getByText("Metrics unavailable").first()).toBeVisible();
    await expect(page.getByText("Green OK")).toHaveCount(0);
    const header = page.getByTestId("aws-panels").getByRole("region", { name: "Blue", exact: true }).locator("header");
    await expect(header).toContainText("Healthy", { useInnerText: true });
    // The observed split is not "no traffic": it was not measured, and the page says why.
    await expect(page.getByTestId("observed-source")).toContainText("CloudWatch could not be read");
    await expect(page.getByRole("img", { name: /^Observed split: not measured$/ })).toBeVisible();
    await shoot(page, "app-metrics-unavailable");

    // The wall's tile says the same where its 5xx line would be, not "no traffic".
    const wall = await page.context().newPage();
    await wall.setViewportSize({ width: 1920, height: 1080 });
    await wall.goto("/wall");
    const tile = wall.getByRole("list", { name: "Applications" }).getByRole("article", { name: demoApp(APP_ID).name });
    await expect(tile).toContainText("Metrics unavailable", { timeout: 30_000 });
    await expect(tile).not.toContainText("no traffic");
    await shoot(wall, "wall-metrics-unavailable");
    await wall.close();
  } finally {
    await fetch(`${range}/_sim/faults`, { method: "DELETE" });
  }
  // CloudWatch answers again: the notice goes by itself at the next metric read.
  await expect(page.getByTestId("metrics-unavailable")).toHaveCount(0, { timeout: METRIC_PERIOD_WAIT_MS });
});

test("an application id that is not configured is a plain not-found, with no Roll back button", async ({ page }) => {
  await signIn(page, "responder@example.com");
  await page.goto("/apps/no-such-app");
  await expect(page.getByText("Application not found")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);
});
