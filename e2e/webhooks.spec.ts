import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { axe } from "./axe";
import { signIn } from "./helpers";

// An admin adds a webhook in Settings pointing at a receiver this test runs, copies its signing
// secret (shown once), sends a test event that arrives signed with it, sees the delivery in the
// log, and removes the webhook through its confirm dialog. The panel passes axe in both themes.

const SHOTS = process.env.E2E_SHOTS_DIR ?? "";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/teal-hook`, received };
}

async function violations(page: Page, selector: string): Promise<string[]> {
  const results = await axe(page).include(selector).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const theme of ["light", "dark"] as const) {
  test(`an admin adds a webhook, its test event arrives signed, the delivery is logged, and removing it ends it (${theme})`, async ({ page }) => {
    const receiver = await startReceiver();
    try {
      await page.addInitScript((t) => localStorage.setItem("teal-theme", t), theme);
      await signIn(page, "admin@example.com");
      await page.goto("/settings");
      const panel = page.getByRole("region", { name: "Webhooks" });
      const name = `deploys-${theme}`;
      await panel.getByLabel("Name", { exact: true }).fill(name);
      await panel.getByLabel(/^Receiver URL/).fill(receiver.url);
      await panel.getByLabel("Body").selectOption("generic");
      await panel.getByRole("button", { name: "Add webhook" }).click();
      const secretField = panel.getByLabel(/^Signing secret/);
      await expect(secretField).not.toHaveValue("");
      const secret = await secretField.inputValue();
      expect(await violations(page, "section[aria-labelledby='webhooks-heading']")).toEqual([]);
      if (SHOTS) await panel.screenshot({ path: `${SHOTS}/webhook-added-${theme}.png` });

      // The list shows the receiver's host, never its path (where a token often is).
      const table = panel.getByRole("table", { name: "Webhooks" });
      const row = table.getByRole("row").filter({ hasText: name });
      await expect(row).toContainText("127.0.0.1");
      await expect(row).not.toContainText("teal-hook");

      await row.getByRole("button", { name: `Send a test event to webhook ${name}` }).click();
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBeGreaterThan(0);
      const hit = receiver.received[0];
      if (!hit) throw new Error("nothing received");
      const timestamp = String(hit.headers["x-teal-timestamp"] ?? "");
      const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${hit.body}`).digest("hex")}`;
      expect(hit.headers["x-teal-signature"]).toBe(expected);
      expect(hit.headers["content-type"]).toMatch(/application\/json/);
      expect(JSON.parse(hit.body)).toMatchObject({ event: expect.any(String) });
      expect(hit.body).not.toMatch(/arn:aws|123456789012/);

      // The delivery log says it arrived.
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.getByRole("table", { name: "Last webhook deliveries" }).getByRole("row").filter({ hasText: name }).first().textContent();
          },
          { timeout: 30_000 },
        )
        .toContain("Delivered");

      await page
        .getByRole("region", { name: "Webhooks" })
        .getByRole("button", { name: `Remove webhook ${name}` })
        .click();
      const dialog = page.getByRole("dialog", { name: `Remove the webhook “${name}”?` });
      await expect(dialog).toBeVisible();
      expect(await violations(page, "dialog[open]")).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/webhook-remove-dialog-${theme}.png` });
      await dialog.getByRole("button", { name: "Remove webhook" }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole("table", { name: "Webhooks" }).getByRole("row").filter({ hasText: name })).toHaveCount(0);
    } finally {
      await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    }
  });
}
