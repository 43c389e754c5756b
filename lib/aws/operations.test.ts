// The table of AWS operations is the one place `teal iam-policy` learns what Teal can call: a
// command sent anywhere in lib/aws that the table lacks would be missing from every generated
// policy. These checks read the sources themselves, so adding a command without its entry fails.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AwsService } from "@/lib/domain/basics";
import { supportedOperation } from "./gateway";
import { allOperations, AWS_OPERATIONS, findOperation, IAM_PREFIX } from "./operations";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Which of Teal's services each SDK client package is. */
const PACKAGES: Readonly<Record<string, AwsService>> = {
  "@aws-sdk/client-route-53": "route53",
  "@aws-sdk/client-elastic-load-balancing": "elb",
  "@aws-sdk/client-elastic-load-balancing-v2": "elbv2",
  "@aws-sdk/client-auto-scaling": "autoscaling",
  "@aws-sdk/client-ecs": "ecs",
  "@aws-sdk/client-ec2": "ec2",
  "@aws-sdk/client-cloudwatch": "cloudwatch",
  "@aws-sdk/client-sts": "sts",
};

function trackedSources(...folders: string[]): string[] {
  return execFileSync("git", ["ls-files", ...folders], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f));
}

/** `service:Operation` of every SDK command a source file imports as a value (not `type …`). */
function importedCommands(source: string): { key: string; pkg: string }[] {
  const found: { key: string; pkg: string }[] = [];
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[a-z0-9-]+)"/g)) {
    const names = m[1] ?? "";
    const pkg = m[2] ?? "";
    for (const raw of names.split(",")) {
      const name = raw.trim();
      if (name === "" || name.startsWith("type ")) continue;
      const command = /^([A-Z][A-Za-z0-9]*)Command$/.exec(name.split(/\s+as\s+/)[0] ?? "");
      if (!command) continue;
      const service = PACKAGES[pkg];
      found.push({ key: `${service ?? `unknown package ${pkg}`}:${command[1] ?? ""}`, pkg });
    }
  }
  return found;
}

describe("the table of AWS operations", () => {
  const files = trackedSources("lib/aws");
  const sent = new Set(files.flatMap((f) => importedCommands(readFileSync(path.join(root, f), "utf8")).map((c) => c.key)));

  it("reads the commands of every adapter (the scan itself works)", () => {
    expect(files).toContain("lib/aws/gateway.ts");
    expect(importedCommands('import {\n  GetChangeCommand,\n  type GetChangeCommandInput,\n} from "@aws-sdk/client-route-53";')).toEqual([
      { key: "route53:GetChange", pkg: "@aws-sdk/client-route-53" },
    ]);
    expect(sent.size).toBeGreaterThanOrEqual(30);
  });

  it("lists every SDK command lib/aws imports", () => {
    const table = new Set(Object.keys(AWS_OPERATIONS));
    expect([...sent].filter((k) => !table.has(k)).sort()).toEqual([]);
  });

  it("lists nothing lib/aws no longer imports", () => {
    expect(
      Object.keys(AWS_OPERATIONS)
        .filter((k) => !sent.has(k))
        .sort(),
    ).toEqual([]);
  });

  it("no code outside lib/aws imports an SDK client", () => {
    const outside = trackedSources("lib", "app", "components").filter((f) => !f.startsWith("lib/aws/"));
    expect(outside.filter((f) => readFileSync(path.join(root, f), "utf8").includes('"@aws-sdk/client-'))).toEqual([]);
  });

  it("every operation a plan may contain is in it, as the gateway runs it", () => {
    for (const op of allOperations()) {
      if (op.access === "write") expect(supportedOperation(op), `${op.service}:${op.operation}`).toBe(true);
    }
    expect(supportedOperation({ service: "route53", operation: "GetChange" })).toBe(true);
    expect(findOperation("route53", "GetChange")?.access).toBe("read");
  });

  it("names each entry by its service and operation, and its action by the service's IAM prefix", () => {
    for (const [key, op] of Object.entries(AWS_OPERATIONS)) {
      expect(key).toBe(`${op.service}:${op.operation}`);
      expect(op.iamAction).toBe(`${IAM_PREFIX[op.service]}:${op.operation}`);
      // Writes are scoped to the resource they change.
      if (op.access === "write") expect(op.resource, key).not.toBeNull();
    }
  });
});
