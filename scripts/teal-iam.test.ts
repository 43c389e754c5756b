// `teal iam-policy`, run in-process as `npx teal` runs it, and once as the real command line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDemoConfig } from "@/lib/config/load";
import { iamPolicy, type IamPolicyDocument } from "@/lib/iam/policy";
import { runTeal } from "./teal-cli";

const ZONE_ID = "Z0123456789ABCDEFGHIJ";
const dir = mkdtempSync(path.join(tmpdir(), "teal-iam-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function teal(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTeal(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: process.cwd() });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("teal iam-policy", () => {
  it("prints the policy of TEAL_CONFIG's applications as JSON, scoped to the account and zone given", async () => {
    const ran = await teal(["iam-policy", "--account", "111122223333", "--zone", `example.com=${ZONE_ID}`]);
    expect(ran.code).toBe(0);
    const printed = JSON.parse(ran.out) as IamPolicyDocument;
    expect(printed).toEqual(iamPolicy(loadDemoConfig().applications, { account: "111122223333", zoneIds: { "example.com.": ZONE_ID } }).policy);
    expect(printed.Statement.find((s) => s.Action.includes("route53:ChangeResourceRecordSets"))?.Resource).toEqual([
      `arn:aws:route53:::hostedzone/${ZONE_ID}`,
    ]);
    // Only the note no flag can answer.
    expect(ran.err).toMatch(/^note: search-api swaps launch templates/);
    expect(ran.err).not.toMatch(/by name|any account/);
  });

  it("says on stderr what it left as a wildcard, and reads TEAL_CONFIG", async () => {
    const file = path.join(dir, "one.config.yaml");
    writeFileSync(
      file,
      [
        "applications:",
        "  - id: web",
        "    name: Web",
        "    pattern: dns-weighted",
        "    region: eu-west-1",
        "    dns: { hostedZone: shop.example.org, recordName: www.shop.example.org }",
        "    blue: { setIdentifier: b, loadBalancer: web-blue }",
        "    green: { setIdentifier: g, loadBalancer: web-green }",
      ].join("\n"),
    );
    const ran = await teal(["iam-policy"], { TEAL_CONFIG: file });
    expect(ran.code).toBe(0);
    const printed = JSON.parse(ran.out) as IamPolicyDocument;
    expect(printed.Statement.flatMap((s) => s.Action)).not.toContain("autoscaling:DescribeAutoScalingGroups");
    expect(printed.Statement.find((s) => s.Action.includes("route53:ChangeResourceRecordSets"))?.Resource).toEqual([
      "arn:aws:route53:::hostedzone/*",
    ]);
    expect(ran.err).toMatch(/shop\.example\.org\. by name/);
    expect(ran.err).toMatch(/any account \(\*\)/);
  });

  it("refuses a bad account id or zone with its usage, exit 2, and prints no policy", async () => {
    for (const argv of [
      ["iam-policy", "--account", "12"],
      ["iam-policy", "--zone", "example.com"],
      ["iam-policy", "--zone", "example.com=not-an-id"],
      ["iam-policy", "--region", "x"],
    ]) {
      const ran = await teal(argv);
      expect(ran.code, argv.join(" ")).toBe(2);
      expect(ran.out).toBe("");
      expect(ran.err).toMatch(/teal iam-policy \[--account/);
    }
  });

  it("exits 1 with the config's own message when the config is invalid", async () => {
    const file = path.join(dir, "bad.config.yaml");
    writeFileSync(file, "applications: []\n");
    const ran = await teal(["iam-policy"], { TEAL_CONFIG: file });
    expect(ran.code).toBe(1);
    expect(ran.out).toBe("");
    expect(ran.err).toMatch(/^teal: .*bad\.config\.yaml is invalid:\n  - applications: name at least one application/);
  });

  it("is `npx teal iam-policy` on the command line", () => {
    const out = execFileSync(process.execPath, ["scripts/teal.mjs", "iam-policy", "--account", "111122223333"], {
      cwd: process.cwd(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const printed = JSON.parse(out) as IamPolicyDocument;
    expect(printed.Version).toBe("2012-10-17");
    expect(printed.Statement.length).toBeGreaterThan(5);
  });
});
