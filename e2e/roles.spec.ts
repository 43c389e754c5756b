import { expect, test } from "@playwright/test";
import { APP_ID, configuredSplit, greenSlider, openApp, operationPanel, signIn, signInWithForm } from "./helpers";

test("a viewer sees the application read-only: no slider, no Roll back, no Abort", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await openApp(page);
  await expect(configuredSplit(page)).toBeVisible();
  await expect(page.getByRole("region", { name: "Blue" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Green" })).toBeVisible();
  await expect(operationPanel(page)).toBeVisible();
  await expect(greenSlider(page)).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Abort/ })).toHaveCount(0);
  await expect(page.getByRole("group", { name: "Presets" })).toHaveCount(0);

  // Hiding is convenience; the server refuses too.
  const preview = await page.request.get(`/api/apps/${APP_ID}/plan?intent=rollback`);
  expect(preview.status()).toBe(403);
});

test("a responder can roll back but not shift", async ({ page }) => {
  await signIn(page, "responder@example.com");
  await openApp(page);
  await expect(page.getByRole("button", { name: /^Roll back to blue/ })).toBeVisible();
  await expect(greenSlider(page)).toHaveCount(0);

  const preview = await page.request.get(`/api/apps/${APP_ID}/plan?intent=shift&greenPercent=10`);
  expect(preview.status()).toBe(403);
});

test("the header shows who is signed in and signs out", async ({ page }) => {
  // Its own session through the form: signing it out must not end the one the other specs share.
  await signInWithForm(page, "viewer@example.com");
  await page.goto("/overview");
  const banner = page.getByRole("banner");
  await expect(banner).toContainText("viewer@example.com");
  await expect(banner).toContainText("Viewer");
  await banner.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/signin/);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/signin/);
});
