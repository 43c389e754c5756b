import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, signInWithForm } from "./helpers";
import { CATALOG, SHOP } from "./demo-apps";

test("the sign-in page lists the practice range's demo users", async ({ page }) => {
  await page.goto("/signin");
  const hint = page.getByRole("complementary", { name: "Practice range sign-ins" });
  await expect(hint).toContainText("operator@example.com");
  await expect(hint).toContainText("teal-demo");
});

test("a wrong password is refused with a message and stays on the page", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email", { exact: true }).fill("operator@example.com");
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Wrong email or password");
  await expect(page).toHaveURL(/\/signin/);
});

test("signed out, the console sends you to sign in; signed in, / opens the overview", async ({ page }) => {
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/signin/);
  await signInWithForm(page, "viewer@example.com");
  await page.goto("/");
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByRole("heading", { name: "Applications", level: 1 })).toBeVisible();
  const card = page.getByRole("region", { name: "Applications" }).getByRole("listitem").first();
  await expect(card.getByRole("img", { name: /^Configured split:/ })).toBeVisible();
  await card.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/apps\//);
  await expect(page.getByRole("img", { name: /^Configured split:/ })).toBeVisible();
});

test("a deep link opened signed out returns to the page asked for after sign-in", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin;
  for (const asked of [`/apps/${CATALOG.id}`, `/history?app=${SHOP.id}`, "/settings"]) {
    await page.context().clearCookies();
    await page.goto(asked);
    await expect(page).toHaveURL(/\/signin\?/);
    await page.getByLabel("Email", { exact: true }).fill("admin@example.com");
    await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${origin}${asked}`);
  }
});

test("after sign-in, only a same-origin callback is followed", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin;
  // Tabs and line breaks are dropped by the URL parser, so "/<TAB>/evil" would become "//evil".
  const hostile = [
    "/%09/evil.example/x",
    "/%0a/evil.example/x",
    "/%0d/evil.example/x",
    "//evil.example/x",
    "/%5Cevil.example/x",
    "https://evil.example/x",
  ];
  // A page that would record the visit, so a followed redirect fails on the origin check below.
  const leftFor: string[] = [];
  await page.route(
    (url) => url.hostname.endsWith("evil.example"),
    async (route) => {
      leftFor.push(route.request().url());
      await route.fulfill({ status: 200, contentType: "text/html", body: "<title>elsewhere</title>" });
    },
  );
  for (const callback of hostile) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${callback}`);
    await page.getByLabel("Email", { exact: true }).fill("viewer@example.com");
    await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
    expect(new URL(page.url()).origin, callback).toBe(origin);
  }
  expect(leftFor).toEqual([]);

  await page.context().clearCookies();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(`/apps/${CATALOG.id}`)}`);
  await page.getByLabel("Email", { exact: true }).fill("viewer@example.com");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${origin}/apps/${CATALOG.id}`);
});

test("a session cookie copied before sign-out no longer opens the console after it", async ({ page, browser }) => {
  // Its own session through the form: signing it out must not end the one the other specs share.
  await signInWithForm(page, "operator@example.com");
  const copied = await page.context().cookies();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);

  const replay = await browser.newContext();
  await replay.addCookies(copied);
  const other = await replay.newPage();
  await other.goto("/overview");
  await expect(other).toHaveURL(/\/signin/);
  expect((await other.request.get("/api/apps")).status()).toBe(401);
  await replay.close();
});
