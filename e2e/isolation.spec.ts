import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// The specs share one browser context per world, reset between tests (playwright.config.ts,
// `reuseContext`). Teal keeps a person's state in two places in the browser: the session cookie
// and the saved theme in local storage. The first test leaves both behind, as a person would; the
// second, run next in the same world, must start signed out, in the default theme, on a blank page.
// Serial: the second test reads what the first left, so it must run right after it.
test.describe.configure({ mode: "serial" });

test("a test signs in and saves the dark theme", async ({ page }) => {
  await signIn(page, "operator@example.com");
  await page.goto("/");
  await page.evaluate(() => localStorage.setItem("teal-theme", "dark"));
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  expect((await page.context().cookies()).some((c) => c.name.includes("session-token"))).toBe(true);
});

test("the next test starts signed out, in the default theme, with nothing from the last one", async ({ page }) => {
  expect(page.url()).toBe("about:blank");
  expect(await page.context().cookies()).toEqual([]);
  expect(page.context().pages()).toHaveLength(1);
  await page.goto("/");
  // Signed out: the console sends a visitor to the sign-in page.
  await expect(page).toHaveURL(/\/signin/);
  expect(await page.evaluate(() => localStorage.getItem("teal-theme"))).toBeNull();
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
});
