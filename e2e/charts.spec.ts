// Charts tell the truth: per-colour series where AWS has them, a shared series that says it is one,
// counts as steps, and times in UTC. Read-only (a viewer, no operation), so it can run anywhere in
// the suite.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { openApp, signIn } from "./helpers";
import { literally, ORDERS, PAYMENTS } from "./demo-apps";

const SHOTS = process.env.E2E_SHOTS_DIR ?? "test-results/charts";

function chart(page: Page, title: string): Locator {
  return page.getByRole("figure", { name: title, exact: true });
}

/** The drawn path of each line of a chart (recharts' line curves). */
async function linePaths(figure: Locator): Promise<string[]> {
  await expect(figure.locator("path.recharts-line-curve").first()).toBeAttached({ timeout: 30_000 });
  return (await figure.locator("path.recharts-line-curve").evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? ""))).filter(
    (d) => d !== "",
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => localStorage.setItem("teal-theme", t), theme);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 60_000 });
    const metrics = page.getByRole("region", { name: "Metrics" });
    await expect(metrics.locator("path.recharts-line-curve").first()).toBeAttached({ timeout: 30_000 });
    // The charts from their heading down, clear of the sticky top bar.
    await page
      .getByRole("heading", { name: "Metrics", exact: true })
      .evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 72));
    await page.screenshot({ path: `${SHOTS}/${name}-${theme}.png` });
  }
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "viewer@example.com");
});

test("ecs-elb-swap charts the shared target group's requests, latency and 5xx and says they are one series; CPU per service", async ({ page }) => {
  await openApp(page, ORDERS.id);
  const requests = chart(page, "Requests");
  await expect(requests).toBeVisible({ timeout: 60_000 });
  for (const title of ["Requests", "Target 5xx", "Target response time"]) {
    await expect(chart(page, title)).toContainText("One series for both colours: AWS reports this target group as a whole");
    await expect(chart(page, title).getByRole("list", { name: "Legend" })).toContainText("Both colours");
  }
  // ECS publishes CPU per service: one line per colour, and no shared note.
  const cpu = chart(page, "CPU");
  await expect(cpu.getByRole("list", { name: "Legend" })).toContainText("Blue");
  await expect(cpu.getByRole("list", { name: "Legend" })).toContainText("Green");
  await expect(cpu.getByTestId("chart-shared-note")).toHaveCount(0);

  // A count is drawn as steps (straight segments only), never as a smoothed curve.
  const paths = await linePaths(requests);
  expect(paths.length).toBeGreaterThan(0);
  for (const d of paths) expect(d).not.toMatch(/C/);

  // One clock: the axis says UTC, and every ECS event time reads "hh:mm:ss UTC".
  await expect(requests.getByTestId("chart-time-zone")).toHaveText("times UTC");
  const times = page
    .getByRole("list", { name: new RegExp(`(${literally(ORDERS.blue.service)}|${literally(ORDERS.green.service)}) events`) })
    .locator("time");
  await expect(times.first()).toBeVisible();
  for (const text of await times.allTextContents()) expect(text).toMatch(/^\d{2}:\d{2}:\d{2} UTC$/);
  await expect(times.first()).toHaveAttribute("title", /^Local time: /);

  await shoot(page, "ecs-elb-swap");
});

test("asg-swap charts each Auto Scaling group's CPU per colour and the shared classic load balancer as one series", async ({ page }) => {
  await openApp(page, PAYMENTS.id);
  const cpu = chart(page, "CPU");
  await expect(cpu).toBeVisible({ timeout: 60_000 });
  await expect(cpu.getByRole("list", { name: "Legend" })).toContainText("Blue");
  await expect(cpu.getByRole("list", { name: "Legend" })).toContainText("Green");
  await expect(cpu).toContainText("CPUUtilization per colour");
  await expect(cpu.getByTestId("chart-shared-note")).toHaveCount(0);
  for (const title of ["Requests", "Backend 5xx", "Latency"]) {
    await expect(chart(page, title)).toContainText("One series for both colours: AWS reports this load balancer as a whole");
    await expect(chart(page, title).getByRole("list", { name: "Legend" })).not.toContainText("Load balancer");
  }
  for (const d of await linePaths(chart(page, "Requests"))) expect(d).not.toMatch(/C/);
  await shoot(page, "asg-swap");
});
