// The audit verifier command on SQLite and PostgreSQL: intact chains pass with their count; an
// edited row and a deleted row (changed behind Teal's back, straight in the database) are named.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import { DIALECTS, openTestStore, rawExec, stopTestCluster, type TestStore } from "@/test/support/store";
import { describeVerification, verifyAuditAt } from "./verify-audit";

const root = fileURLToPath(new URL("..", import.meta.url));
const actor: Actor = { id: "demo:operator", email: "operator@example.com", role: "operator" };

afterAll(async () => {
  await stopTestCluster();
});

async function withRecords(t: TestStore, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await t.store.appendAudit({
      action: "traffic.shifted",
      actor,
      appId: "shop",
      operationId: null,
      reason: `step ${i}`,
      before: { greenPercent: i - 1 },
      after: { greenPercent: i },
    });
  }
  await t.store.close();
}

function runCommand(url: string): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/verify-audit.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe.each(DIALECTS)("npm run audit:verify on %s", (dialect) => {
  it("reports an intact chain with its record count, and exits 0", async () => {
    const t = await openTestStore(dialect);
    try {
      await withRecords(t, 5);
      const out = runCommand(t.url);
      expect(out.stderr).toBe("");
      expect(out.stdout.split("\n")[0]).toBe("audit chain intact: 5 records");
      expect(out.status).toBe(0);
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it("names the edited row and exits 1", async () => {
    const t = await openTestStore(dialect);
    try {
      await withRecords(t, 5);
      await rawExec(dialect, t.url, "UPDATE audit SET reason = 'nothing happened' WHERE seq = 3");
      const out = runCommand(t.url);
      expect(out.stderr.trim()).toBe("audit chain BROKEN at seq 3: Audit row 3 was modified: its hash does not match its content.");
      expect(out.status).toBe(1);
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it("names a deleted row, in the middle or at the end", async () => {
    const t = await openTestStore(dialect);
    try {
      await withRecords(t, 5);
      await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq = 2");
      expect(await verifyAuditAt(t.url)).toMatchObject({ ok: false, brokenAtSeq: 2 });
      await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq = 5");
      const result = await verifyAuditAt(t.url);
      expect(describeVerification(result)).toMatch(/^audit chain BROKEN at seq 2: /);
      const out = runCommand(t.url);
      expect(out.stderr).toMatch(/^audit chain BROKEN at seq 2: Audit row 2 is missing/);
      expect(out.status).toBe(1);
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it("notices the newest row deleted (the chain head remembers it)", async () => {
    const t = await openTestStore(dialect);
    try {
      await withRecords(t, 4);
      await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq = 4");
      expect(await verifyAuditAt(t.url)).toMatchObject({ ok: false, brokenAtSeq: 4 });
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  }, 60_000);
});
