import { axe } from "./axe";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { WAIT_WORDS } from "../lib/domain/wait-words";
import { signIn } from "./helpers";
import { openPatternApp } from "./pattern-helpers";

// Every confirm dialog of the console, opened in the light and the dark theme, checked by axe
// (colour contrast included) the way a person sees it: the plan loaded, the main button focused.
// Tests that click by accessible name cannot see a white-on-white button; axe's contrast rule can.

type Theme = "light" | "dark";

async function useTheme(page: Page, theme: Theme): Promise<void> {
  // The theme boot script reads this before first paint, as it does for a person's saved choice.
  await page.addInitScript((t) => localStorage.setItem("teal-theme", t), theme);
}

/** Axe on the open dialog only: every violation it finds, as readable lines. */
async function dialogViolations(page: Page): Promise<string[]> {
  const results = await axe(page)
    .include("dialog[open]")
    .options({ resultTypes: ["violations"] })
    .analyze();
  return results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Waits for the plan preview inside a dialog (skeletons have no contrast to check). */
async function planLoaded(dialog: Locator): Promise<void> {
  await expect(dialog.getByLabel("Loading the plan")).toHaveCount(0, { timeout: 60_000 });
  await expect(dialog.getByText("Steps and AWS calls")).toBeVisible();
}

async function expectCleanDialog(page: Page, dialog: Locator, theme: Theme): Promise<void> {
  await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
  expect(await dialogViolations(page)).toEqual([]);
  await expect(dialog).toBeVisible();
}

for (const theme of ["light", "dark"] as const) {
  test.describe(`${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await useTheme(page, theme);
      await signIn(page, "admin@example.com");
    });

    test(`every confirm dialog passes axe; the rollback button is solid, readable and focused (${theme})`, async ({ page }) => {
      // Six dialogs on three application pages, each plan read from the range and checked by axe.
      test.slow();
      await openPatternApp(page, "shop");
      const open = page.getByRole("button", { name: /^Roll back to/ });
      await open.click();
      let dialog = page.getByRole("dialog", { name: /^Roll back/ });
      await planLoaded(dialog);
      const confirm = dialog.getByRole("button", { name: "Roll back now" });
      // Focused when the dialog opens: Enter confirms, it does not add a newline to the reason.
      await expect(confirm).toBeFocused();
      // The strongest button on the screen: a solid fill, not the dialog's background.
      const colours = await confirm.evaluate((el) => {
        const style = getComputedStyle(el);
        const dialogStyle = getComputedStyle(el.closest("footer") ?? document.body);
        return { background: style.backgroundColor, text: style.color, footer: dialogStyle.backgroundColor };
      });
      expect(colours.background).not.toBe(colours.text);
      expect(colours.background).not.toBe(colours.footer);
      expect(colours.background).not.toMatch(/rgba\(0, 0, 0, 0\)|transparent/);
      await expectCleanDialog(page, dialog, theme);
      await page.screenshot({ path: test.info().outputPath(`rollback-dialog-${theme}.png`) });
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
      // Focus goes back to the button that opened the dialog.
      await expect(open).toBeFocused();

      const presets = page.getByRole("group", { name: "Presets" });
      for (const preset of ["25 %", "100 %"]) {
        const button = presets.getByRole("button", { name: preset, exact: true });
        await button.click();
        const shift = page.getByRole("dialog");
        await planLoaded(shift);
        await expect(shift.getByLabel("Reason")).toBeFocused();
        await expectCleanDialog(page, shift, theme);
        await page.keyboard.press("Escape");
        await expect(shift).toBeHidden();
      }

      await openPatternApp(page, "payments-api");
      const blue = page.getByRole("region", { name: "Blue", exact: true });
      await blue.getByRole("checkbox").first().check();
      await blue.getByRole("button", { name: /Selected into standby \(1\)/ }).click();
      dialog = page.getByRole("dialog");
      await planLoaded(dialog);
      await expectCleanDialog(page, dialog, theme);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();

      const scale = page.getByLabel("Scale green");
      const current = Number(await scale.inputValue());
      await scale.fill(String(current + 1));
      await page.getByRole("button", { name: "Scale green…" }).click();
      dialog = page.getByRole("dialog");
      await planLoaded(dialog);
      await expectCleanDialog(page, dialog, theme);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();

      await openPatternApp(page, "notifications");
      const deploy = page.getByRole("region", { name: /^Deploy/ });
      await deploy.getByRole("button", { name: "Deploy revision…" }).click();
      dialog = page.getByRole("dialog");
      await planLoaded(dialog);
      await expectCleanDialog(page, dialog, theme);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
    });

    test(`the kiosk token revoke dialog passes axe (${theme})`, async ({ page }) => {
      await page.goto("/settings");
      const label = `Lobby ${theme}`;
      await page.getByLabel("Screen name").fill(label);
      await page.getByRole("button", { name: "Create token" }).click();
      const revoke = page.getByRole("button", { name: `Revoke ${label}` });
      await revoke.click();
      const dialog = page.getByRole("dialog");
      await expect(dialog).toBeVisible();
      await expectCleanDialog(page, dialog, theme);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
    });
  });
}

test("the plan preview says every wait in words, for every pattern that waits on AWS", async ({ page }) => {
  // Five application pages, each with a plan read from the range (on a busy machine each takes a while).
  test.slow();
  await signIn(page, "operator@example.com");
  // A raw kind ("asg-in-service", "tg-healthy") is what a wait looked like without its words.
  const rawKind = new RegExp(Object.keys(WAIT_WORDS).join("|"));
  const openers: { appId: string; open: () => Promise<void> }[] = [
    ...["catalog-api", "payments-api", "orders-service", "checkout-web"].map((appId) => ({
      appId,
      open: () => page.getByRole("group", { name: "Presets" }).getByRole("button", { name: "50 %", exact: true }).click(),
    })),
    {
      appId: "notifications",
      open: () =>
        page
          .getByRole("region", { name: /^Deploy/ })
          .getByRole("button", { name: "Deploy revision…" })
          .click(),
    },
  ];
  for (const { appId, open } of openers) {
    await openPatternApp(page, appId);
    await open();
    const dialog = page.getByRole("dialog");
    await planLoaded(dialog);
    const steps = dialog.getByRole("list", { name: "Plan steps" });
    await expect(steps, appId).toContainText(/Wait for .+ \((Describe|Get|List)\w+.* every /);
    await expect(steps, appId).not.toContainText(rawKind);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  }
});

test("the confirm button stays where it is while the plan loads, so a click aimed at it lands on it", async ({ page }) => {
  // A person aims at Roll back now as soon as the dialog opens; if the plan arriving grew the
  // dialog, the button would move under the pointer and the click would land on the plan instead.
  test.slow();
  await signIn(page, "operator@example.com");
  await openPatternApp(page, "checkout-web");
  const base = process.env.RANGE_URL;
  if (!base) throw new Error("RANGE_URL is not set (the Playwright config sets it).");
  const faults = async (method: "POST" | "DELETE", body?: unknown) => {
    const res = await fetch(`${base}/_sim/faults`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect(res.ok).toBe(true);
  };
  // The plan's reads of the Auto Scaling group answer 2.5 s late: the dialog opens before its plan.
  await faults("POST", { rules: [{ service: "autoscaling", operation: "DescribeAutoScalingGroups", latencyMs: 2_500 }] });
  try {
    const openers = [
      { open: page.getByRole("button", { name: /^Roll back to/ }), dialog: /^Roll back/, confirm: "Roll back now" },
      {
        open: page.getByRole("group", { name: "Presets" }).getByRole("button", { name: "50 %", exact: true }),
        dialog: /Shift traffic/,
        confirm: "Confirm shift",
      },
    ];
    for (const { open, dialog: name, confirm } of openers) {
      await open.click();
      const dialog = page.getByRole("dialog", { name });
      const button = dialog.getByRole("button", { name: confirm });
      await expect(dialog.getByLabel("Loading the plan")).not.toHaveCount(0);
      const before = await button.boundingBox();
      await expect(dialog.getByLabel("Loading the plan")).toHaveCount(0, { timeout: 60_000 });
      await expect(
        dialog
          .getByRole("list", { name: "Plan steps" })
          .or(dialog.getByText(/No operation|nothing to/i))
          .first(),
      ).toBeVisible();
      expect(await button.boundingBox(), `${confirm} moved when the plan arrived`).toEqual(before);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
    }
  } finally {
    await faults("DELETE");
  }
});
