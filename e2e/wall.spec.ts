import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { APP_ID, rangeGreenShare, signIn } from "./helpers";

const WALL_VIEWPORT = { width: 1920, height: 1080 };

/** An admin creates a kiosk token on the settings page; returns the one-time wall link. */
async function createToken(page: Page, label: string): Promise<string> {
  await page.goto("/settings");
  await page.getByLabel("Screen name").fill(label);
  await page.getByRole("button", { name: "Create token" }).click();
  const link = page.getByLabel(/Wall link/);
  await expect(link).toHaveValue(/\/wall\?token=teal_kiosk_[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

async function revokeToken(page: Page, label: string): Promise<void> {
  await page.goto("/settings");
  await page.getByRole("button", { name: `Revoke ${label}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke the token “${label}”?` });
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row", { name: new RegExp(label) })).toContainText("Revoked");
}

async function appNames(page: Page): Promise<string[]> {
  const response = await page.request.get("/api/apps");
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { apps: { name: string }[] }).apps.map((a) => a.name);
}

async function kioskContext(browser: Browser) {
  return browser.newContext({ viewport: WALL_VIEWPORT });
}

/** The id Next gave the shift server action in this build (the browser sends it as Next-Action). */
async function shiftActionId(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  const entry = Object.entries(manifest.node).find(([, v]) => v.filename === "lib/actions/shift-traffic.ts" && v.exportedName === "shiftTraffic");
  if (!entry) throw new Error("shiftTraffic is not in the server action manifest");
  return entry[0];
}

test("a kiosk token opens the wall read-only, cannot shift, and stops working once revoked", async ({ page, browser, baseURL }, testInfo) => {
  const label = `Ops room TV ${Date.now()}`;
  await signIn(page, "admin@example.com");
  const names = await appNames(page);
  expect(names.length).toBeGreaterThan(1);
  const wallLink = await createToken(page, label);
  // Shown once: after a reload the settings page lists the token but no longer shows the secret.
  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(label) })).toContainText("Active");
  await expect(page.getByLabel(/Wall link/)).toHaveCount(0);

  const kiosk = await kioskContext(browser);
  const wall = await kiosk.newPage();
  await wall.goto(wallLink);
  // The token leaves the address bar; an HttpOnly cookie carries it from now on.
  await expect(wall).toHaveURL(/\/wall$/);
  const cookie = (await kiosk.cookies()).find((c) => c.name === "teal_kiosk");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });

  const grid = wall.getByRole("list", { name: "Applications" });
  for (const name of names) await expect(grid.getByRole("article", { name })).toBeVisible();
  await expect(grid.getByRole("article", { name: names[0] }).getByRole("img", { name: /^Configured split: blue \d+ %, green \d+ %$/ })).toBeVisible();
  await expect(wall.getByRole("status")).toContainText("Live");
  await expect(wall.getByText(`kiosk ${label}`)).toBeVisible();
  // Nobody has these applications open: their load balancer health is read every other idle
  // refresh, and a tile whose health is a refresh older than the rest says how old it is.
  await expect(grid.getByTestId("wall-health-age").first()).toHaveText(/^health read \d+ s ago$/, { timeout: 20_000 });
  await wall.screenshot({ path: testInfo.outputPath("wall-health-age-1920-light.png") });
  // The dark theme as the theme switch sets it (a class on the document), for the same look.
  const dark = (on: boolean) => wall.evaluate((d) => document.documentElement.classList.toggle("dark", d), on);
  await dark(true);
  await expect(grid.getByTestId("wall-health-age").first()).toBeVisible({ timeout: 20_000 });
  await wall.screenshot({ path: testInfo.outputPath("wall-health-age-1920-dark.png") });
  await dark(false);
  await expect(wall.getByRole("button")).toHaveCount(0);
  await expect(wall.getByRole("banner").getByRole("link")).toHaveCount(0);

  // The token reads nothing else: not the console, not the history exports.
  expect((await kiosk.request.get("/api/history/operations?format=json")).status()).toBe(401);
  expect((await kiosk.request.get(`/api/apps/${APP_ID}/snapshot`)).status()).toBe(401);

  // A hand-made call of the shift server action with only the kiosk cookie is refused, and changes nothing.
  const before = await rangeGreenShare();
  const attempt = await kiosk.request.post(`/apps/${APP_ID}`, {
    headers: { "next-action": await shiftActionId(), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: baseURL ?? "" },
    data: JSON.stringify([{ appId: APP_ID, greenPercent: 50, expectedVersion: "x", reason: "kiosk attempt" }]),
  });
  const reply = await attempt.text();
  expect(reply).toContain('"ok":false');
  expect(reply).toContain('"code":"unauthenticated"');
  expect(await rangeGreenShare()).toBe(before);

  await revokeToken(page, label);
  // Next's route announcer is an alert too: pick the wall's own.
  const refused = wall.getByRole("alert").filter({ hasText: "no longer authorized" });
  await expect(refused).toContainText("This wall is no longer authorized", { timeout: 20_000 });
  await expect(refused).toContainText("Ask an admin for a new kiosk token");
  expect((await kiosk.request.get("/api/apps")).status()).toBe(401);

  // The revoked link no longer opens the wall at all.
  const again = await kiosk.newPage();
  await again.goto(wallLink);
  await expect(again.getByRole("heading", { level: 1 })).toContainText("This wall is not authorized");
  await kiosk.close();
});

test("the wall warns when the data goes stale because polling fails", async ({ page }) => {
  await page.setViewportSize(WALL_VIEWPORT);
  await signIn(page, "viewer@example.com");
  await page.goto("/wall");
  const status = page.getByRole("status");
  await expect(status).toContainText("Live");
  await expect(page.getByRole("list", { name: "Applications" }).getByRole("article").first()).toBeVisible();

  // Simulated outage: the browser's polls of /api/apps fail from now on.
  await page.route("**/api/apps", (route) => route.abort("connectionrefused"));
  await expect(status).toContainText(/Backend unreachable|Data is stale/, { timeout: 30_000 });
  await expect(page.getByRole("list", { name: "Applications" }).getByRole("article").first()).toBeVisible();

  // Polling recovers by itself once the backend answers again.
  await page.unroute("**/api/apps");
  await expect(status).toContainText("Live", { timeout: 30_000 });
});

test("the wall warns when the practice range stops answering, keeps its last data, and recovers when it is back", async ({ page }) => {
  const range = process.env.RANGE_URL;
  if (!range) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  await page.setViewportSize(WALL_VIEWPORT);
  await signIn(page, "viewer@example.com");
  await page.goto("/wall");
  const status = page.getByRole("status");
  const cards = page.getByRole("list", { name: "Applications" }).getByRole("article");
  await expect(status).toContainText("Live");
  await expect(cards.first()).toBeVisible();

  // Stop the practice range itself (SIGSTOP): its port still accepts connections but nothing answers,
  // as with an AWS endpoint behind a black-holed network. Teal's server keeps answering the wall.
  const { pid } = (await (await fetch(`${range}/_sim/health`)).json()) as { pid: number };
  process.kill(pid, "SIGSTOP");
  try {
    await expect(status).toContainText("Data is stale", { timeout: 45_000 });
    await expect(status).not.toContainText("Backend unreachable");
    // The last data stays on screen, dimmed, rather than an empty wall.
    await expect(cards.first()).toBeVisible();
    // The wall's own polls still succeed: the server answers from its last good read without waiting on AWS.
    const apps = await page.request.get("/api/apps", { timeout: 5_000 });
    expect(apps.ok()).toBe(true);
    const ages = ((await apps.json()) as { apps: { dataAgeMs: number | null }[] }).apps.map((a) => a.dataAgeMs ?? 0);
    expect(Math.max(...ages)).toBeGreaterThan(10_000);
  } finally {
    process.kill(pid, "SIGCONT");
  }
  await expect(status).toContainText("Live", { timeout: 90_000 });
});

test("a visitor without a token or a session is told the wall is not authorized", async ({ browser }) => {
  const context = await kioskContext(browser);
  const wall = await context.newPage();
  await wall.goto("/wall");
  await expect(wall.getByRole("heading", { level: 1 })).toContainText("This wall is not authorized");
  await wall.goto("/wall?token=teal_kiosk_not-a-real-token");
  await expect(wall).toHaveURL(/\/wall\?refused=1$/);
  await expect(wall.getByText("That wall link is not valid")).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === "teal_kiosk")).toBeUndefined();
  await context.close();
});

test("settings are for admins only", async ({ page }) => {
  await signIn(page, "operator@example.com");
  await page.goto("/overview");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toHaveCount(0);
  await page.goto("/settings");
  await expect(page.getByText("Permission denied")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
});
