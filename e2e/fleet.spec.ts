// The overview and the wall of a fleet, on the demo world (8 applications) with small pages forced
// through ?perPage=, so the search, the groups, the paging and the wall's turning are exercised
// without seeding a fleet. One application is made unreadable (every DescribeListeners fails: only
// alb-weighted reads its listeners) so that it needs attention; the fault is dropped after.
import { axe } from "./axe";
import { expect, test, type Page } from "@playwright/test";
import { CATALOG, DEMO_APPS } from "./demo-apps";
import { appSummaries, rangeControl, signIn } from "./helpers";

const DESKTOP = { width: 1440, height: 900 };
const WALL = { width: 1920, height: 1080 };
const ORDER = new Map(DEMO_APPS.map((a, i) => [a.name, i]));

/** The overview's groups as drawn: each group's id and its cards' names, top to bottom. */
async function drawnGroups(page: Page): Promise<{ group: string; names: string[] }[]> {
  return page.locator("section[data-group]").evaluateAll((els) =>
    els.map((el) => ({
      group: el.getAttribute("data-group") ?? "",
      names: Array.from(el.querySelectorAll("article h3")).map((h) => (h.textContent ?? "").trim()),
    })),
  );
}

test("search finds an application by its id, whatever the case, and the link keeps the search", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await signIn(page, "viewer@example.com");
  await page.goto("/overview");
  const cards = page.getByRole("region", { name: "Applications" }).getByRole("article");
  await expect(cards).toHaveCount(DEMO_APPS.length, { timeout: 60_000 });
  // The search, the filters, the groups and their cards, in both themes.
  for (const scheme of ["dark", "light"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.reload();
    await expect(cards).toHaveCount(DEMO_APPS.length);
    await expect(page.locator("[data-freshness='fresh']")).toHaveCount(1);
    const results = await axe(page).include("main").analyze();
    expect(results.violations.flatMap((v) => v.nodes.map((n) => `${scheme}: ${v.id} ${n.target.join(" ")}`))).toEqual([]);
  }

  // "/" focuses the search from anywhere on the page.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("/");
  const search = page.getByRole("searchbox", { name: "Search" });
  await expect(search).toBeFocused();
  await page.keyboard.type(CATALOG.id.toUpperCase());
  await expect(cards).toHaveCount(1);
  await expect(cards.getByRole("link", { name: CATALOG.name })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${CATALOG.id.toUpperCase()}`));

  // The same view from the link.
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue(CATALOG.id.toUpperCase());
  await expect(cards).toHaveCount(1);

  await search.fill("no such application");
  await expect(cards).toHaveCount(0);
  await expect(page.getByText("No application matches this search and these filters.")).toBeVisible();
  await search.press("Escape");
  await expect(cards).toHaveCount(DEMO_APPS.length);
  await expect(page).toHaveURL(/\/overview$/);
});

test("an application in trouble: first on the overview, never behind a page, and pinned on the wall, which shows every application within a minute", async ({
  page,
}) => {
  await signIn(page, "viewer@example.com");
  await rangeControl("POST", "/_sim/faults", { rules: [{ service: "elbv2", operation: "DescribeListeners", errorRate: 1 }] });
  try {
    await expect.poll(async () => (await appSummaries(page)).find((a) => a.id === CATALOG.id)?.error ?? null, { timeout: 30_000 }).not.toBeNull();

    // Overview, one healthy card per page.
    await page.setViewportSize(DESKTOP);
    await page.goto("/overview?perPage=1");
    const attention = page.locator("section[data-group='attention']");
    await expect(attention.getByRole("heading", { level: 2 })).toContainText("Needs attention");
    await expect(attention.getByRole("link", { name: CATALOG.name })).toBeVisible({ timeout: 30_000 });
    const groups = await drawnGroups(page);
    expect(groups[0]?.group).toBe("attention");
    expect(groups.map((g) => g.group)).toEqual(["attention", "running", "healthy"].filter((g) => groups.some((x) => x.group === g)));
    // Within each group, the configuration's order.
    for (const g of groups) {
      const positions = g.names.map((n) => ORDER.get(n) ?? -1);
      expect(positions, `${g.group}: ${g.names.join(", ")}`).toEqual([...positions].sort((a, b) => a - b));
    }
    const pager = page.getByRole("navigation", { name: "Pages of healthy applications" }).first();
    await expect(pager).toContainText(/Page 1 of \d+/);
    await pager.getByRole("button", { name: "Next" }).click();
    await expect(pager).toContainText(/Page 2 of \d+/);
    await expect(page).toHaveURL(/[?&]page=2/);
    // The problem stays on every page.
    await expect(attention.getByRole("link", { name: CATALOG.name })).toBeVisible();

    // One application's failed read makes its own card stale, not the page: no banner, and the
    // other cards stay bright (the page is late only when no application has a good read).
    await expect(page.locator("[data-freshness='fresh']")).toHaveCount(1);
    await expect(page.getByTestId("stale-banner")).toHaveCount(0);
    await expect(attention.getByRole("article").filter({ hasText: CATALOG.name })).toHaveAttribute("data-stale", "true");
    await expect(page.locator("section[data-group='healthy'] article[data-stale='true']")).toHaveCount(0);

    // Accessibility of the search, the group headings, the pager and the cards (the stale one
    // in grey), in both themes.
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.reload();
      await expect(attention.getByRole("link", { name: CATALOG.name })).toBeVisible();
      const results = await axe(page).include("main").analyze();
      expect(results.violations.flatMap((v) => v.nodes.map((n) => `${scheme}: ${v.id} ${n.target.join(" ")}`))).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: null });

    // The wall, three per page: the problem is a tile, the rest are chips that turn; every
    // application is on screen within one minute of the wall's clock.
    await page.setViewportSize(WALL);
    await page.clock.install();
    await page.goto("/wall?perPage=3");
    const pinnedTile = page.getByRole("list", { name: "Applications" }).getByRole("article", { name: CATALOG.name });
    await expect(pinnedTile).toHaveCount(1, { timeout: 30_000 });
    const turn = page.getByTestId("wall-turn");
    await expect(turn).toContainText(/ \d+ of \d+, page \d+ of \d+, next in \d+ s/);
    const seen = new Set<string>();
    const look = async () => {
      for (const id of await page.locator("[data-app-id]").evaluateAll((els) => els.map((e) => e.getAttribute("data-app-id") ?? ""))) seen.add(id);
    };
    await look();
    for (let elapsed = 0; elapsed < 60_000; elapsed += 5_000) {
      const before = await turn.textContent();
      await page.clock.fastForward(5_000);
      // The clock's tick re-renders the countdown; then what is on screen is read.
      await expect(turn).not.toHaveText(before ?? "");
      await look();
      await expect(pinnedTile).toHaveCount(1);
    }
    expect([...seen].sort()).toEqual(DEMO_APPS.map((a) => a.id).sort());
  } finally {
    await rangeControl("DELETE", "/_sim/faults");
  }
});
