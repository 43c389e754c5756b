// The overview and the wall with a fleet of 200 applications: the demo world's 8 and 192 generated
// ones, every pattern. This spec needs a world started with a fleet (E2E_RANGE_FLEET=192, as
// `npm test` starts one world for it alone: scripts/test.mjs); a demo-world run leaves it out (playwright.config.ts).
// Every alb-weighted application is made unreadable (every DescribeListeners fails), 25 of the
// 200, so that problems exist to come first. The read cadence is production's: 30 s for an
// application nobody has open.
import { expect, test } from "@playwright/test";
import { CATALOG } from "./demo-apps";
import { appSummaries, rangeControl, signIn } from "./helpers";

const FLEET_APPS = 200;
const DESKTOP = { width: 1440, height: 900 };
const WALL = { width: 1920, height: 1080 };

test("200 applications: search finds one, problems come first and are pinned on the wall, which turns its pages", async ({ page }, testInfo) => {
  test.setTimeout(5 * 60_000);
  await signIn(page, "viewer@example.com");
  await rangeControl("POST", "/_sim/faults", { rules: [{ service: "elbv2", operation: "DescribeListeners", errorRate: 1 }] });
  try {
    // Every application read once since the fault: the alb-weighted ones failed, the rest not.
    let albIds: string[] = [];
    let albNames: string[] = [];
    await expect
      .poll(
        async () => {
          const apps = await appSummaries(page);
          albIds = apps.filter((a) => a.pattern === "alb-weighted").map((a) => a.id);
          albNames = apps.filter((a) => a.pattern === "alb-weighted").map((a) => a.name);
          const albFailed = apps.filter((a) => a.pattern === "alb-weighted" && a.error !== null).length;
          const othersRead = apps.filter((a) => a.pattern !== "alb-weighted" && a.error === null && a.dataAgeMs !== null).length;
          return { apps: apps.length, albFailed: albFailed === albIds.length, othersRead: othersRead === apps.length - albIds.length };
        },
        { timeout: 150_000, intervals: [2_000] },
      )
      .toEqual({ apps: FLEET_APPS, albFailed: true, othersRead: true });
    expect(albIds.length).toBe(25);

    // The overview: the problems first, all of them on screen (the generated fleet has problems of
    // its own too: a green down, a release half-way); the healthy rest in pages.
    await page.setViewportSize(DESKTOP);
    await page.goto("/overview");
    const attention = page.locator("section[data-group='attention']");
    await expect(attention.getByRole("heading", { level: 2 })).toContainText("Needs attention");
    const attentionNames = async () => attention.locator("article h3").evaluateAll((els) => els.map((e) => (e.textContent ?? "").trim()));
    await expect
      .poll(
        async () => {
          const names = await attentionNames();
          return albNames.filter((n) => !names.includes(n));
        },
        { timeout: 30_000 },
      )
      .toEqual([]);
    const groups = await page.locator("section[data-group]").evaluateAll((els) => els.map((el) => el.getAttribute("data-group")));
    expect(groups[0]).toBe("attention");
    // Never behind a page: the group's count is the number of its cards on screen.
    const attentionCount = Number((await attention.getByRole("heading", { level: 2 }).locator("span").first().textContent())?.match(/\d+/)?.[0]);
    expect(attentionCount).toBeGreaterThanOrEqual(albIds.length);
    await expect(attention.getByRole("article")).toHaveCount(attentionCount);
    const healthy = page.locator("section[data-group='healthy']");
    await expect(healthy.getByRole("heading", { level: 2 })).toContainText(String(FLEET_APPS - attentionCount));
    await expect(page.getByRole("navigation", { name: "Pages of healthy applications" }).first()).toContainText(/Page 1 of \d+/);
    // One application's failed read greys its own card; the page stays fresh, with no banner.
    await expect(page.getByTestId("stale-banner")).toHaveCount(0);
    await expect(healthy.locator("article[data-stale='true']")).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath("fleet-200-overview-1440.png") });

    // Search: one application out of 200, by a word of its id, then back to the fleet.
    const search = page.getByRole("searchbox", { name: "Search" });
    await search.fill("fleet-137");
    const cards = page.getByRole("region", { name: "Applications" }).getByRole("article");
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText("Fleet 137");
    await search.fill(CATALOG.id);
    await expect(cards).toHaveCount(1);
    await expect(attention.getByRole("link", { name: CATALOG.name })).toBeVisible();
    await search.press("Escape");
    await expect(attention.getByRole("article")).toHaveCount(attentionCount);

    // The wall at 1920 × 1080: the problems pinned, the rest turning; every application on screen
    // within one minute of real time, the wall as it runs (e2e/fleet.spec.ts turns 8 applications on
    // a fake clock), while the server's reads of 200 applications come late now and then.
    await page.setViewportSize(WALL);
    await page.goto("/wall");
    const turn = page.getByTestId("wall-turn");
    await expect(turn).toContainText(/ \d+ of \d+, page \d+ of \d+, next in \d+ s/, { timeout: 30_000 });
    const seen = new Set<string>();
    const look = async () => {
      const now = await page.locator("[data-app-id]").evaluateAll((els) => els.map((e) => e.getAttribute("data-app-id") ?? ""));
      for (const id of now) seen.add(id);
      return new Set(now);
    };
    const first = await look();
    await page.screenshot({ path: testInfo.outputPath("fleet-200-wall-1920.png") });
    // The unreadable applications are on screen from the start (pinned as tiles or chips), and stay.
    expect(albIds.filter((id) => !first.has(id))).toEqual([]);
    const turns = new Set<string>();
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      await page.waitForTimeout(2_000);
      const now = await look();
      turns.add(((await turn.textContent()) ?? "").replace(/, next in \d+ s/, ""));
      expect(albIds.filter((id) => !now.has(id))).toEqual([]);
    }
    expect(turns.size, "the wall turned its pages").toBeGreaterThan(3);
    testInfo.annotations.push({ type: "wall coverage in 60 s", description: `${seen.size} of ${FLEET_APPS} applications` });
    expect((await appSummaries(page)).map((a) => a.id).filter((id) => !seen.has(id))).toEqual([]);
    expect(seen.size).toBe(FLEET_APPS);

    // An idle application's load balancer health is read every other refresh (TEAL_IDLE_HEALTH_EVERY):
    // in between, its card on the overview says how old the health is.
    // About half the fleet is between two health reads at any moment: take one the server says is.
    let idle: { id: string } | undefined;
    await expect
      .poll(
        async () => {
          idle = (await appSummaries(page)).find((a) => a.error === null && a.healthAgeMs !== undefined && a.id.startsWith("fleet-"));
          return idle !== undefined;
        },
        { timeout: 40_000, intervals: [2_000] },
      )
      .toBe(true);
    if (!idle) throw new Error("no fleet application between two health reads");
    await page.setViewportSize(DESKTOP);
    await page.goto("/overview");
    await page.getByRole("searchbox", { name: "Search" }).fill(idle.id);
    const card = page.getByRole("region", { name: "Applications" }).getByRole("article");
    await expect(card).toHaveCount(1);
    // Shown at once, or, if its health was read again just now, at its next refresh.
    await expect(card).toContainText(/health: read \d+ s ago/, { timeout: 45_000 });
    await card.screenshot({ path: testInfo.outputPath("fleet-200-card-health-age.png") });
  } finally {
    await rangeControl("DELETE", "/_sim/faults");
  }
});
