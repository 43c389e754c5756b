import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { rangeGreenShare } from "./helpers";
import { SHOP } from "./demo-apps";

// The README's pipeline script, run as it stands against the built server: the sh block after the
// README's "pipeline-cli-script" marker, in a pipeline's workspace where `npx teal` is installed,
// with only TEAL_URL and TEAL_TOKEN. The token is made on the server's host with `teal token
// create` against the server's own database (and so its audit key, kept beside the SQLite file).
// The workspace's smoke test fails, so the script shifts shop to 25 %, waits, shows the status,
// rolls back, waits, and exits 1; the state is then read through the API and on the range.

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MARKER = "<!-- pipeline-cli-script:";

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The README's sh block that follows the marker comment. */
function readmeScript(): string {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const at = readme.indexOf(MARKER);
  expect(at, "the README marks its pipeline script").toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, "an sh block follows the marker").not.toBeNull();
  return block?.[1] ?? "";
}

/** The environment of a command run here: this one's, without what would point it elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["NODE_ENV", "DATABASE_URL", "TEAL_URL", "TEAL_TOKEN", "TEAL_AUDIT_KEY"]) delete env[name];
  return env;
}

test("the README's pipeline script shifts shop with the CLI, waits, shows it, and rolls back when its smoke test fails", async ({ playwright }) => {
  test.slow();
  const appUrl = process.env.APP_URL;
  const dataDir = process.env.E2E_DATA_DIR;
  if (!appUrl || !dataDir) throw new Error("APP_URL and E2E_DATA_DIR are set by the Playwright config.");
  expect(await rangeGreenShare(SHOP.dns.recordName)).toBe(0);

  // On the server's host: a token for the pipeline, in the server's database.
  const created = await run("node", ["scripts/teal.mjs", "token", "create", "--name", "ci", "--role", "operator", "--apps", SHOP.id], {
    cwd: ROOT,
    env: { ...baseEnv(), DATABASE_URL: `file:${path.join(dataDir, "teal.db")}` },
  });
  expect(created.code, created.stderr).toBe(0);
  const token = created.stdout.trim();
  expect(token).toMatch(/^teal_api_[A-Za-z0-9_-]{43}$/);

  // The pipeline's workspace: teal installed as npm installs a bin, the README's script, a smoke test that fails.
  const work = mkdtempSync(path.join(os.tmpdir(), "teal-pipeline-"));
  try {
    mkdirSync(path.join(work, "node_modules", ".bin"), { recursive: true });
    symlinkSync(path.join(ROOT, "scripts", "teal.mjs"), path.join(work, "node_modules", ".bin", "teal"));
    writeFileSync(path.join(work, "pipeline.sh"), readmeScript());
    writeFileSync(path.join(work, "smoke-test.sh"), 'echo "smoke test: checkout answered 500 on green" >&2\nexit 1\n');
    chmodSync(path.join(work, "smoke-test.sh"), 0o755);
    const pipeline = await run("sh", ["pipeline.sh"], { cwd: work, env: { ...baseEnv(), TEAL_URL: appUrl, TEAL_TOKEN: token } });
    const said = `stdout:\n${pipeline.stdout}\nstderr:\n${pipeline.stderr}`;

    // The rollback branch ran to its end: exit 1 by design, after both operations succeeded.
    expect(pipeline.code, said).toBe(1);
    expect(pipeline.stdout, said).toMatch(/^split: +green 25 % configured/m);
    expect(pipeline.stderr, said).toContain("smoke test: checkout answered 500 on green");
    const succeeded = pipeline.stderr.match(/^Operation \S+ succeeded\.$/gm) ?? [];
    expect(succeeded, said).toHaveLength(2);

    // What Teal says happened, through its API with the same token.
    const api = await playwright.request.newContext({ baseURL: appUrl, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    try {
      const history = await api.get(`/api/v1/history?app=${SHOP.id}&limit=2`);
      expect(history.status()).toBe(200);
      const ops = ((await history.json()) as { operations: { id: string; intent: unknown; status: string; actor: { email: string } }[] }).operations;
      expect(ops.map((o) => [o.intent, o.status, o.actor.email])).toEqual([
        [{ kind: "rollback" }, "succeeded", "token ci"],
        [{ kind: "shift", greenPercent: 25 }, "succeeded", "token ci"],
      ]);
      expect(succeeded).toEqual(ops.map((o) => `Operation ${o.id} succeeded.`).reverse());
      const snapshot = await api.get(`/api/v1/apps/${SHOP.id}`);
      expect(snapshot.status()).toBe(200);
      expect(((await snapshot.json()) as { state: { configured: { greenPercent: number } } }).state.configured.greenPercent).toBe(0);
    } finally {
      await api.dispose();
    }
    expect(await rangeGreenShare(SHOP.dns.recordName)).toBe(0);

    // Run again, the script's keys replay the first answers: the same shift, no new operation.
    const again = await run(
      "npx",
      ["--no-install", "teal", "shift", SHOP.id, "25", "--reason", "release 42", "--idempotency-key", "release-42-shift"],
      {
        cwd: work,
        env: { ...baseEnv(), TEAL_URL: appUrl, TEAL_TOKEN: token },
      },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(`Operation ${again.stdout.trim()} succeeded.`).toBe(succeeded[0]);
    // Over real HTTP, a token Teal does not know is exit 4 with the API's message.
    const refused = await run("npx", ["--no-install", "teal", "status"], {
      cwd: work,
      env: { ...baseEnv(), TEAL_URL: appUrl, TEAL_TOKEN: `teal_api_${"A".repeat(43)}` },
    });
    expect(refused.code).toBe(4);
    expect(refused.stderr.trim()).toBe("teal: This API token is not valid: it is unknown, revoked or expired. Ask an admin for a new one.");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
