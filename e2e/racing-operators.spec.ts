import { expect, test, type Browser, type Page } from "@playwright/test";
import { actionId, APP_ID, expectOperationSucceeded, greenSlider, openApp, rollBackToBlue, signIn, startedOperationId } from "./helpers";

async function range(method: "POST" | "DELETE", path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${process.env.RANGE_URL}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(res.ok).toBe(true);
}

/** Opens the shift dialog to 25 % with a reason, ready to confirm. */
async function readyToShift(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  await openApp(page);
  const slider = greenSlider(page);
  await expect(slider).toHaveAttribute("aria-valuenow", "0");
  await slider.focus();
  await slider.press("PageUp");
  await slider.press("PageUp");
  for (let i = 0; i < 5; i += 1) await slider.press("ArrowRight");
  await expect(slider).toHaveAttribute("aria-valuenow", "25");
  await slider.press("Enter");
  const dialog = page.getByRole("dialog", { name: /Shift traffic/ });
  await dialog.getByLabel("Reason").fill(`race ${email}`);
  await expect(dialog.getByRole("button", { name: "Confirm shift" })).toBeEnabled();
  return page;
}

test("two operators confirm a shift at once: one runs, the other reads who holds the lock; abort and resume of the ended shift say why", async ({
  browser,
}) => {
  test.slow();
  const operator = await readyToShift(browser, "operator@example.com");
  const admin = await readyToShift(browser, "admin@example.com");
  await expect(greenSlider(operator)).toHaveAttribute("aria-valuenow", "25");
  // The winner's Route 53 change is held back (real time, under the SDK's 15 s request timeout), so
  // the loser is refused by the lock, not by a state that already moved on, even when a busy
  // machine lands the two clicks seconds apart.
  await range("POST", "/_sim/faults", { rules: [{ operation: "ChangeResourceRecordSets", latencyMs: 10_000 }] });
  let shiftId = "";
  try {
    const pages = [operator, admin];
    await Promise.all(
      pages.map((p) =>
        p
          .getByRole("dialog", { name: /Shift traffic/ })
          .getByRole("button", { name: "Confirm shift" })
          .click(),
      ),
    );
    // Each page either announces the operation it started or shows why its dialog was refused.
    const outcomes = await Promise.all(
      pages.map(async (p) => {
        const started = p.getByRole("status").filter({ hasText: /started: operation/ });
        const refused = p.getByRole("dialog", { name: /Shift traffic/ }).getByRole("alert");
        await expect(started.or(refused).first()).toBeVisible();
        return (await started.count()) > 0 ? "started" : "refused";
      }),
    );
    expect(outcomes.toSorted()).toEqual(["refused", "started"]);
    const winner = outcomes[0] === "started" ? 0 : 1;
    const winnerEmail = winner === 0 ? "operator@example.com" : "admin@example.com";
    console.log(`[race] ${winnerEmail} started the shift; the other was refused`);
    const refusal = (pages[1 - winner] as Page).getByRole("dialog", { name: /Shift traffic/ }).getByRole("alert");
    await expect(refusal).toContainText("Another operation is in progress");
    await expect(refusal).toContainText(new RegExp(`Another operation is running on ${APP_ID}: .*started by ${winnerEmail.replaceAll(".", "\\.")}`));
    await (pages[1 - winner] as Page)
      .getByRole("dialog", { name: /Shift traffic/ })
      .getByRole("button", { name: "Cancel" })
      .click();
    shiftId = await startedOperationId(pages[winner] as Page);
    await expectOperationSucceeded(pages[winner] as Page, shiftId);
  } finally {
    await range("DELETE", "/_sim/faults");
  }
  await rollBackToBlue(operator);

  // Refusals of an ended operation read as what they are too.
  const post = (name: string, args: unknown) =>
    operator.request.post(`/apps/${APP_ID}`, {
      headers: {
        "next-action": actionId(name),
        origin: new URL(operator.url()).origin,
        "content-type": "text/plain;charset=UTF-8",
        accept: "text/x-component",
      },
      data: JSON.stringify([args]),
    });
  const abort = await (await post("abortOperation", { appId: APP_ID, operationId: shiftId })).text();
  expect(abort).toContain('"code":"conflict"');
  expect(abort).toContain("The operation has already ended (succeeded).");
  const resume = await (await post("resumeOperation", { appId: APP_ID, operationId: shiftId })).text();
  expect(resume).toContain('"code":"conflict"');
  expect(resume).toContain("Only an interrupted or failed operation can be resumed; this one is succeeded.");
});
