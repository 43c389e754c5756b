// `teal webhook add|list|remove` in-process through runTeal, on a SQLite database the test then
// reads as the server would: the secret printed once, the URL only ever redacted, bad input refused
// with nothing stored, and both changes audited.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/store/store";
import { runTeal } from "./teal-cli";

const ROOT = path.resolve(__dirname, "..");
let dir = "";
let databaseUrl = "";

async function teal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTeal(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATABASE_URL: databaseUrl }, cwd: ROOT });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "teal-webhooks-cli-"));
  databaseUrl = `file:${path.join(dir, "teal.db")}`;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("teal webhook", () => {
  it("adds, lists and removes a webhook, printing the secret once and the URL only redacted", async () => {
    const url = "https://hooks.example.com/services/T0/B0/cli-s3cr3t";
    const added = await teal([
      "webhook",
      "add",
      "--name",
      "deploys",
      "--url",
      url,
      "--format",
      "slack",
      "--events",
      "started,completed",
      "--apps",
      "shop",
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(added.stderr).toContain("https://hooks.example.com/…");
    expect(added.stderr).not.toContain("cli-s3cr3t");

    const listed = await teal(["webhook", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/deploys {2}https:\/\/hooks\.example\.com\/… {2}slack {2}started,completed {2}shop {2}no delivery yet/);
    expect(listed.stdout).not.toContain("cli-s3cr3t");
    const id = listed.stdout.split(" ")[0] ?? "";

    expect((await teal(["webhook", "remove", id])).code).toBe(0);
    expect((await teal(["webhook", "remove", id])).code).toBe(1);
    const store = await openStore(databaseUrl);
    try {
      expect(await store.webhooks.listWebhooks()).toEqual([]);
      const audit = await store.listAudit({ action: ["webhook.created", "webhook.removed"] });
      expect(audit.map((r) => r.action)).toEqual(["webhook.removed", "webhook.created"]);
      expect(audit.every((r) => r.actor?.id.startsWith("cli:"))).toBe(true);
      expect(JSON.stringify(audit)).not.toContain("cli-s3cr3t");
    } finally {
      await store.close();
    }
  });

  it("refuses a bad URL, an unknown event or application, and stores nothing", async () => {
    const base = ["webhook", "add", "--name", "bad", "--events", "started"];
    for (const [args, says] of [
      [[...base, "--url", "ftp://hooks.example.com/x"], /url/],
      [[...base, "--url", "not a url"], /url/],
      [["webhook", "add", "--name", "bad", "--url", "https://hooks.example.com/x", "--events", "started,exploded"], /events/],
      [[...base, "--url", "https://hooks.example.com/x", "--apps", "no-such-app"], /no-such-app/],
      [[...base, "--url", "https://hooks.example.com/x", "--format", "teams"], /format/],
    ] as const) {
      const r = await teal([...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(says);
      expect(r.stdout).toBe("");
    }
    expect((await teal(["webhook", "add", "--name", "bad", "--events", "started"])).code).toBe(2);
    const store = await openStore(databaseUrl);
    try {
      expect(await store.webhooks.listWebhooks()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
