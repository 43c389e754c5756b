// `teal validate` and `teal discover` run in-process as `npx teal` runs them, against the practice
// range seeded with the demo world through its AWS APIs, with the real SDK clients over HTTP.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTeal, type CliIo } from "@/scripts/teal-cli";
import { parseTealConfig } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";

const ROLE = "arn:aws:iam::210987654321:role/teal-reader";

let range: TestRange;
let dir: string;
const demoConfig = readFileSync("teal.config.yaml", "utf8");

interface Ran {
  code: number;
  out: string;
  err: string;
}

async function teal(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env: { AWS_ENDPOINT_URL: range.url, ...env }, cwd: process.cwd() };
  const code = await runTeal(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The demo config with `edit` applied to its text, written to a file of its own. */
function configFile(name: string, edit: (text: string) => string): string {
  const file = path.join(dir, name);
  const text = edit(demoConfig);
  expect(text).not.toBe(demoConfig);
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  range = await startTestRange({ stsRoles: { [ROLE]: { externalId: "teal-ci" } } }, Date.now());
  await seedDemoWorld(range.url);
  dir = mkdtempSync(path.join(tmpdir(), "teal-accounts-"));
}, 60_000);

afterAll(async () => {
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("teal validate", () => {
  it("finds every resource of the demo config on the demo range, consistent, and exits 0", async () => {
    const ran = await teal(["validate"]);
    expect(ran.err).toContain("8 applications checked: 0 missing, 0 inconsistent, 0 denied, 0 unreadable.");
    expect(ran.code).toBe(0);
    expect(ran.out).not.toMatch(/MISSING|INCONSISTENT|DENIED|ERROR/);
    for (const id of ["shop", "profile-service", "notifications", "catalog-api", "orders-service", "payments-api", "checkout-web", "search-api"]) {
      expect(ran.out).toContain(`${id} (`);
    }
    expect(ran.out).toMatch(/OK +forward action +catalog-green in the listener on port 80/);
    expect(ran.out).toMatch(/OK +launch configuration +checkout-v42/);
  });

  it("names a launch configuration that does not exist", async () => {
    const file = configFile("missing-lc.yaml", (t) => t.replace("launchConfiguration: checkout-v42", "launchConfiguration: checkout-v43"));
    const ran = await teal(["validate", "--config", file, "--app", "checkout-web"]);
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/MISSING +launch configuration +checkout-v43/);
  });

  it("names a target group the alb-weighted application names that does not exist, and exits 1", async () => {
    const file = configFile("missing-tg.yaml", (t) => t.replace("targetGroup: catalog-green", "targetGroup: catalog-greeen"));
    const ran = await teal(["validate", "--config", file, "--app", "catalog-api"]);
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/MISSING +target group +catalog-greeen +target group catalog-greeen does not exist/);
    expect(ran.out).toMatch(/OK +target group +catalog-blue/);
  });

  it("names a target group that exists but is on another load balancer and not in the listener's forward action", async () => {
    const file = configFile("wrong-tg.yaml", (t) => t.replace("targetGroup: catalog-green", "targetGroup: orders-tg"));
    const ran = await teal(["validate", "--config", file, "--app", "catalog-api", "--json"]);
    expect(ran.code).toBe(1);
    const [result] = JSON.parse(ran.out) as Array<{
      appId: string;
      checks: Array<{ resource: string; name: string; status: string; detail?: string }>;
    }>;
    expect(result?.appId).toBe("catalog-api");
    const bad = result?.checks.filter((c) => c.status !== "ok");
    expect(bad).toEqual([
      {
        resource: "target group",
        name: "orders-tg on catalog-alb",
        status: "inconsistent",
        detail: "target group orders-tg is not used by load balancer catalog-alb",
      },
      {
        resource: "forward action",
        name: "orders-tg in the listener on port 80",
        status: "inconsistent",
        detail: "target group orders-tg is not in the forward action of the listener on port 80",
      },
    ]);
  });

  it("reads through an application's assumed role, and reports reads the role refuses as denied, not missing", async () => {
    const role = (externalId: string) => `    assumeRole:\n      roleArn: ${ROLE}\n      externalId: ${externalId}\n`;
    const trusted = configFile("role.yaml", (t) =>
      t.replace("    region: us-east-1\n    loadBalancer: catalog-alb\n", (m) => `${m}${role("teal-ci")}`),
    );
    const before = range.stats.total;
    const ok = await teal(["validate", "--config", trusted, "--app", "catalog-api"]);
    expect(ok.code).toBe(0);
    const keys = new Set((range.stats.requests ?? []).filter((r) => r.seq > before && r.service === "elbv2").map((r) => r.accessKeyId));
    expect([...keys]).toHaveLength(1);
    expect([...keys][0]).toMatch(/^ASIA/);

    const refused = configFile("refused.yaml", (t) =>
      t.replace("    region: us-east-1\n    loadBalancer: catalog-alb\n", (m) => `${m}${role("other-id")}`),
    );
    const ran = await teal(["validate", "--config", refused, "--app", "catalog-api"]);
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/DENIED +load balancer +catalog-alb +reading load balancer catalog-alb was denied: AssumeRole failed: AccessDenied/);
    expect(ran.out).not.toContain("MISSING");
    expect(ran.out).not.toMatch(/arn:aws|210987654321/);
  });
});

describe("teal discover", () => {
  it("prints the demo applications from the demo range's teal:* tags: the config's, but for what tags cannot carry", async () => {
    const ran = await teal(["discover"]);
    const discovered = parseTealConfig(ran.out, "discovered");
    const configured = parseTealConfig(demoConfig);
    // launch-swap: which launch is blue and which green is in no tag (launch configurations carry none): left out, and said so.
    const leftOut = configured.applications.filter((a) => a.pattern === "launch-swap").map((a) => a.id);
    expect(leftOut).toEqual(["checkout-web", "search-api"]);
    for (const id of leftOut) expect(ran.out).toMatch(new RegExp(`^#   ${id}: group ${id} behind \\S+: which launch`, "m"));
    expect(ran.code).toBe(1);
    expect(ran.err).toContain("6 applications found in us-east-1; 2 left out.");

    const expected = configured.applications.filter((a) => !leftOut.includes(a.id));
    expect(discovered.applications.map((a) => a.id).sort()).toEqual(expected.map((a) => a.id).sort());
    for (const want of expected) {
      const got = discovered.applications.find((a) => a.id === want.id);
      // Not in the account: the readable name (discover writes the id), ecs-elb-swap's totalTasks (said
      // in a comment) and a progressive delivery's defaults (how a team releases, not what it runs).
      const comparable = (a: AppConfig | undefined): Record<string, unknown> => {
        const { name: _name, progressive: _progressive, ...rest } = a ?? want;
        if (rest.pattern === "ecs-elb-swap") delete rest.totalTasks;
        return rest;
      };
      expect(comparable(got), want.id).toEqual(comparable(want));
      expect(got?.name).toBe(want.id);
    }
    expect(ran.out).toContain("# totalTasks (the task budget both colours share) is not in the account");
  });

  it("what it prints is a config teal validate finds whole on the same account", async () => {
    const ran = await teal(["discover", "--region", "us-east-1"]);
    const file = path.join(dir, "discovered.yaml");
    writeFileSync(file, ran.out);
    const checked = await teal(["validate", "--config", file]);
    expect(checked.err).toContain("6 applications checked: 0 missing, 0 inconsistent, 0 denied, 0 unreadable.");
    expect(checked.code).toBe(0);
  });

  it("looks into another account through --role-arn, with the role's session", async () => {
    const before = range.stats.total;
    const ran = await teal(["discover", "--role-arn", ROLE, "--external-id", "teal-ci"]);
    expect(ran.err).toContain("6 applications found in us-east-1; 2 left out.");
    const keys = new Set((range.stats.requests ?? []).filter((r) => r.seq > before && r.service !== "sts").map((r) => r.accessKeyId));
    expect([...keys]).toHaveLength(1);
    expect([...keys][0]).toMatch(/^ASIA/);
  });

  it("refuses a malformed region or role ARN before reading anything", async () => {
    const before = range.stats.total;
    expect((await teal(["discover", "--region", "mars-1"])).code).toBe(2);
    expect((await teal(["discover", "--role-arn", "arn:aws:iam::12:role/x"])).code).toBe(2);
    expect((await teal(["discover", "--external-id", "abc"])).code).toBe(2);
    expect(range.stats.total).toBe(before);
  });
});

describe("npx teal validate, as a process", () => {
  it("runs outside Next (the adapters' server-only guard is a no-op there) and exits 0 on the demo range", async () => {
    const ran = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        ["scripts/teal.mjs", "validate", "--app", "catalog-api"],
        { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AWS_ENDPOINT_URL: range.url }, timeout: 60_000 },
        (err, stdout) => resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, out: stdout }),
      );
    });
    expect(ran.out).toMatch(/^catalog-api \(alb-weighted, us-east-1\): all good$/m);
    expect(ran.code).toBe(0);
  }, 60_000);
});
