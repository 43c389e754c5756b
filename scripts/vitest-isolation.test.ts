import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ISOLATED_TEST_FILES } from "../vitest.config";

/**
 * Most test files share their worker's modules with the files run before them (vitest.config.ts).
 * A file that replaces modules, changes the process's environment or clock, or reaches the server's
 * per-process singletons would then leak into the next file, or see what the previous one left: it
 * must run isolated. This scan keeps the list of isolated files true as files are added.
 */
const root = path.resolve(__dirname, "..");
const FOLDERS = ["lib", "range", "test", "components", "app", "scripts", "eslint"];

/** What makes a file need a module graph of its own, each with why. */
const NEEDS_ISOLATION: Array<[RegExp, string]> = [
  [/\bvi\.(mock|doMock|hoisted)\(/, "replaces modules"],
  [/\bvi\.(stubEnv|stubGlobal|useFakeTimers|setSystemTime)\(/, "changes the environment or the clock"],
  [/process\.env(\.[A-Z_]+|\[[^\]]+\])\s*=[^=]|delete process\.env/, "writes the process's environment"],
  [/process\.(on|once|chdir)\(/, "changes the process"],
  // A log sink hears every line the process writes, including those of reads a file run before it
  // left failing in the background: what it asserts about the log is only true in a process of its own.
  [/\baddLogSink\(/, "listens to the whole process's log"],
  [/__teal[A-Za-z]+/, "reaches a per-process singleton"],
  [
    /\b(getRuntime|getStore|getSnapshotService|startRuntime|setSessionSourceForTests|getActor|requireRole|sessionRegistry)\(|\bauthOptions\b/,
    "uses a per-process singleton",
  ],
];

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(rel));
    else if (entry.name.endsWith(".test.ts")) out.push(rel.split(path.sep).join("/"));
  }
  return out;
}

describe("test isolation", () => {
  const files = FOLDERS.flatMap(testFiles).filter((f) => f !== "scripts/vitest-isolation.test.ts");

  it("runs every file that needs a module graph of its own isolated", () => {
    const missing = files
      .filter((f) => !ISOLATED_TEST_FILES.includes(f))
      .flatMap((f) => {
        const text = readFileSync(path.join(root, f), "utf8");
        return NEEDS_ISOLATION.filter(([re]) => re.test(text)).map(([, why]) => `${f} ${why}`);
      });
    expect(missing).toEqual([]);
  });

  it("lists only files that exist and need it", () => {
    for (const f of ISOLATED_TEST_FILES) {
      expect(existsSync(path.join(root, f)), f).toBe(true);
      const text = readFileSync(path.join(root, f), "utf8");
      expect(
        NEEDS_ISOLATION.some(([re]) => re.test(text)),
        `${f} is isolated without a reason the scan knows`,
      ).toBe(true);
    }
  });
});
