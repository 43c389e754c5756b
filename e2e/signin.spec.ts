import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

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
  await signIn(page, "viewer@example.com");
  await page.goto("/");
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByRole("heading", { name: "Applications", level: 1 })).toBeVisible();
  const card = page.getByRole("list", { name: "Applications" }).getByRole("listitem").first();
  await expect(card.getByRole("img", { name: /^Configured split:/ })).toBeVisible();
  await card.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/apps\//);
  await expect(page.getByRole("img", { name: /^Configured split:/ })).toBeVisible();
});
