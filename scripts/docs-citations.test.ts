import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// Every section of docs/aws-behaviour.md that a comment or a table cites must exist: the code's
// sources live in the repository, and a renumbered heading must not leave dangling citations.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const doc = readFileSync(path.join(root, "docs/aws-behaviour.md"), "utf8");
const headings = new Set([...doc.matchAll(/^#{2,3} §([0-9]+(?:\.[0-9]+)?)\b/gm)].map((m) => m[1]));

function sourceFiles(): string[] {
  return execFileSync("git", ["ls-files", "lib", "range", "test", "components", "app", "scripts", "e2e", "eslint"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((f) => /\.(ts|tsx|mjs)$/.test(f) && f !== "scripts/docs-citations.test.ts");
}

function citations(): { file: string; section: string }[] {
  const files = sourceFiles();
  const found: { file: string; section: string }[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), "utf8");
    for (const cite of text.matchAll(/docs\/aws-behaviour\.md ((?:§[0-9.]+[–,; ]*(?:and )?)+)/g)) {
      for (const section of (cite[1] ?? "").matchAll(/§([0-9]+(?:\.[0-9]+)?)/g)) found.push({ file, section: section[1] ?? "" });
    }
  }
  return found;
}

describe("docs/aws-behaviour.md citations", () => {
  it("cites only sections that exist", () => {
    const all = citations();
    expect(all.length).toBeGreaterThan(50);
    const dangling = all.filter((c) => !headings.has(c.section)).map((c) => `${c.file}: §${c.section}`);
    expect(dangling).toEqual([]);
  });

  it("no code cites the facts sheet that is not in the repository", () => {
    const sheet = ["AWS", "FACTS"].join("-");
    expect(sourceFiles().filter((f) => readFileSync(path.join(root, f), "utf8").includes(sheet))).toEqual([]);
  });
});
