// `teal user create` and `teal user list` on a SQLite database the test then opens as the server
// would: with a password piped in, as a person runs it on the server's host (`node scripts/teal.mjs`
// in a child process, about 1.5 CPU-seconds each), and the rest in-process through runTeal.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedUserSource } from "@/lib/auth/local-users";
import { userDirectoryOver } from "@/lib/auth/users";
import { openStore } from "@/lib/store/store";
import { runTeal } from "./teal-cli";

const ROOT = path.resolve(__dirname, "..");
let dir = "";
let databaseUrl = "";

function teal(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "teal.mjs"), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, NODE_ENV: "test" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

async function tealHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTeal(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATABASE_URL: databaseUrl }, cwd: dir });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** The command's own last line on stderr (the store may log a line before it). */
function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "teal-users-"));
  databaseUrl = `file:${path.join(dir, "teal.db")}`;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("teal user create", () => {
  it("reads the password from stdin, or makes one and prints it once; the users sign in and the audit names the host's user", async () => {
    const piped = await teal(["user", "create", "--email", "Gus@Example.com", "--role", "operator", "--password-stdin"], "a long pass phrase\n");
    expect(piped.stderr).toContain("Created local user gus@example.com (operator).");
    expect([piped.code, piped.stdout]).toEqual([0, ""]);

    const made = await tealHere(["user", "create", "--email", "hal@example.com", "--role", "viewer"]);
    expect(made.code).toBe(0);
    const password = made.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(made.stderr).not.toContain(password);

    const store = await openStore(databaseUrl);
    try {
      const directory = userDirectoryOver([storedUserSource(async () => store)]);
      expect(await directory.authenticate("gus@example.com", "a long pass phrase")).toMatchObject({ role: "operator" });
      expect(await directory.authenticate("hal@example.com", password)).toMatchObject({ role: "viewer" });
      const audit = await store.listAudit({ action: "user.created" });
      expect(audit.map((r) => r.actor?.id.startsWith("cli:"))).toEqual([true, true]);
      expect(JSON.stringify(audit)).not.toContain(password);
    } finally {
      await store.close();
    }

    const listed = await tealHere(["user", "list"]);
    expect(listed.stdout).toMatch(/^gus@example\.com {2}operator {2}active/m);
  });

  it("never takes a password from the command line, and refuses a taken email or a short password", async () => {
    const short = await teal(["user", "create", "--email", "ivy@example.com", "--role", "viewer", "--password-stdin"], "short");
    expect([short.code, lastLine(short.stderr)]).toEqual([1, "teal: Invalid input: password: at least 12 characters"]);
    const argv = await tealHere(["user", "create", "--email", "ivy@example.com", "--role", "viewer", "--password", "visible-in-ps-1234"]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain("Unknown option '--password'");
    const missing = await tealHere(["user", "create", "--email", "ivy@example.com"]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("give the user's --email and --role")]);
    const taken = await tealHere(["user", "create", "--email", "gus@example.com", "--role", "admin"]);
    expect([taken.code, lastLine(taken.stderr)]).toEqual([1, "teal: There is already a local user gus@example.com."]);
    const store = await openStore(databaseUrl);
    try {
      expect((await store.listLocalUsers()).map((u) => u.email)).toEqual(["gus@example.com", "hal@example.com"]);
    } finally {
      await store.close();
    }
  });

  it("disables a user, who then cannot sign in; once, audited once", async () => {
    expect((await tealHere(["user", "disable", "HAL@example.com"])).code).toBe(0);
    expect((await tealHere(["user", "disable", "hal@example.com"])).code).toBe(0);
    const unknown = await tealHere(["user", "disable", "nobody@example.com"]);
    expect([unknown.code, lastLine(unknown.stderr)]).toEqual([1, "teal: There is no local user nobody@example.com."]);
    const store = await openStore(databaseUrl);
    try {
      const directory = userDirectoryOver([storedUserSource(async () => store)]);
      expect(await directory.knows("hal@example.com")).toBe(false);
      expect(await directory.knows("gus@example.com")).toBe(true);
      expect((await store.listAudit({ action: "user.disabled" })).map((r) => r.after)).toEqual([
        { userId: expect.stringMatching(/^local:/), email: "hal@example.com", disabledAt: expect.any(String) },
      ]);
    } finally {
      await store.close();
    }
    expect((await tealHere(["user", "list"])).stdout).toMatch(/^hal@example\.com {2}viewer {2}disabled /m);
  });
});
