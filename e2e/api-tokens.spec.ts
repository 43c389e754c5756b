import { axe } from "./axe";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

// A pipeline's token, as an admin makes one: named, given a role and one application in Settings,
// shown once, used against the REST API with nothing but the Bearer header, then revoked through
// its confirm dialog, after which the API refuses it. Both themes pass axe, the way a person sees
// the form (the secret on screen) and the dialog.

const SHOTS = process.env.E2E_SHOTS_DIR ?? "";

async function violations(page: Page, selector: string): Promise<string[]> {
  const results = await axe(page).include(selector).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const theme of ["light", "dark"] as const) {
  test(`an admin creates a pipeline token for shop, the API honours it, and revoking it ends it (${theme})`, async ({ page, playwright }) => {
    await page.addInitScript((t) => localStorage.setItem("teal-theme", t), theme);
    await signIn(page, "admin@example.com");
    await page.goto("/settings");
    const name = `deploy-${theme}`;
    await page.getByLabel("Pipeline name").fill(name);
    // The settings page has a role for local users too: this one is the API token's.
    await page.getByRole("region", { name: "API tokens" }).getByLabel("Role").selectOption("operator");
    // The webhooks panel has its own Applications group: this one is the API token's.
    await page
      .getByRole("region", { name: "API tokens" })
      .getByRole("group", { name: /^Applications/ })
      .getByRole("checkbox", { name: "shop", exact: true })
      .check();
    await page.getByRole("button", { name: "Create API token" }).click();
    const secret = page.getByLabel(/^Token \(for/);
    await expect(secret).toHaveValue(/^teal_api_/);
    const token = await secret.inputValue();
    await expect(page.getByText(`API token “${name}” created. Copy it now: it is not shown again.`)).toBeVisible();
    const section = page.locator("section", { has: page.getByLabel("Pipeline name") });
    expect(await violations(page, "main")).toEqual([]);
    if (SHOTS) await section.screenshot({ path: `${SHOTS}/api-token-created-${theme}.png` });

    // Only the Bearer header: no cookie, as a pipeline calls.
    const api = await playwright.request.newContext({
      baseURL: page.url().replace(/\/settings.*$/, ""),
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    try {
      const apps = await api.get("/api/v1/apps");
      expect(apps.status()).toBe(200);
      const listed = ((await apps.json()) as { apps: { id: string }[] }).apps.map((a) => a.id);
      expect(listed).toEqual(["shop"]);
      const plan = await api.post("/api/v1/apps/shop/plans", { data: { intent: { kind: "shift", greenPercent: 10 } } });
      expect(plan.status()).toBe(200);
      expect((await api.get("/api/v1/apps/payments-api")).status()).toBe(403);

      // The token's row says when it was last used; revoke it through its dialog.
      const row = page.getByRole("row", { name: new RegExp(name) });
      await page.reload();
      await expect(row).toContainText("operator");
      await expect(row).toContainText("Active");
      await expect(row.getByRole("cell").nth(5)).not.toHaveText("Never");
      // Seen, not only named: the name is drawn whole and the Revoke button lies inside its section.
      await expect(row.getByRole("cell").first()).toHaveText(name);
      expect(
        await row
          .getByRole("cell")
          .first()
          .evaluate((el) => el.scrollWidth <= el.clientWidth && el.clientWidth > 0),
      ).toBe(true);
      const revoke = row.getByRole("button", { name: `Revoke API token ${name}` });
      const [sectionBox, buttonBox] = [await section.boundingBox(), await revoke.boundingBox()];
      expect(buttonBox && sectionBox && buttonBox.x + buttonBox.width <= sectionBox.x + sectionBox.width).toBe(true);
      await revoke.click();
      const dialog = page.getByRole("dialog", { name: `Revoke the API token “${name}”?` });
      await expect(dialog).toBeVisible();
      expect(await violations(page, "dialog[open]")).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/api-token-revoke-${theme}.png` });
      await dialog.getByRole("button", { name: "Revoke token" }).click();
      await expect(dialog).toBeHidden();
      await expect(row).toContainText("Revoked");
      await expect(row.getByRole("button", { name: `Revoke API token ${name}` })).toHaveCount(0);
      const refused = await api.get("/api/v1/apps");
      expect(refused.status()).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    } finally {
      await api.dispose();
    }
  });
}
