import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ConfigError, parseEnv, parseTealConfig } from "./load";

const valid = `
applications:
  - id: shop
    name: Shop
    pattern: dns-weighted
    dns: { hostedZone: example.com., recordName: Shop.Example.com, recordType: CNAME }
    blue: { setIdentifier: blue, loadBalancer: shop-blue }
    green: { setIdentifier: green, loadBalancer: shop-green }
`;

describe("parseTealConfig", () => {
  it("accepts the shipped default config", () => {
    const cfg = parseTealConfig(readFileSync("teal.config.yaml", "utf8"));
    expect(cfg.applications.map((a) => a.id)).toContain("shop");
  });

  it("normalises record names and fills defaults", () => {
    const app = parseTealConfig(valid).applications[0];
    if (app?.pattern !== "dns-weighted") throw new Error("expected a dns-weighted app");
    expect(app.dns.recordName).toBe("shop.example.com.");
    expect(app?.region).toBe("us-east-1");
  });

  it.each([
    ["an unknown pattern", valid.replace("dns-weighted", "carrier-pigeon"), "applications.0.pattern"],
    ["a bad id", valid.replace("id: shop", "id: Shop App"), "applications.0.id"],
    ["a missing load balancer", valid.replace(", loadBalancer: shop-green", ""), "applications.0.green.loadBalancer"],
    ["equal set identifiers", valid.replace("setIdentifier: green", "setIdentifier: blue"), "applications.0.green.setIdentifier"],
    ["a duplicate id", valid + valid.split("applications:\n")[1], "applications.1.id"],
    ["no applications", "applications: []", "applications"],
  ])("refuses %s and names the field", (_what, text, field) => {
    expect(() => parseTealConfig(text)).toThrow(ConfigError);
    expect(() => parseTealConfig(text)).toThrow(field);
  });

  it("refuses text that is not YAML", () => {
    expect(() => parseTealConfig("applications: [")).toThrow(/not valid YAML/);
  });
});

describe("parseEnv", () => {
  it("applies defaults", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("file:data/teal.db");
    expect(env.TEAL_REFRESH_MS).toBe(5000);
    expect(env.TEAL_IDLE_REFRESH_MS).toBe(30_000);
    expect(env.TEAL_METRICS_REREAD_PERIODS).toBe(3);
    expect(env.TEAL_DEMO_USERS).toBe(false);
  });

  it("names a bad variable and the fix", () => {
    expect(() => parseEnv({ AWS_ENDPOINT_URL: "not a url" })).toThrow(/AWS_ENDPOINT_URL: a URL/);
    expect(() => parseEnv({ TEAL_REFRESH_MS: "10" })).toThrow(/TEAL_REFRESH_MS/);
    expect(() => parseEnv({ TEAL_IDLE_REFRESH_MS: "0" })).toThrow(/TEAL_IDLE_REFRESH_MS/);
    expect(() => parseEnv({ TEAL_METRICS_REREAD_PERIODS: "-1" })).toThrow(/TEAL_METRICS_REREAD_PERIODS/);
    expect(parseEnv({ TEAL_METRICS_REREAD_PERIODS: "0" }).TEAL_METRICS_REREAD_PERIODS).toBe(0);
  });

  it("reads the AWS budget: a share of the account limits, or off, the limits that differ, the wait", () => {
    const env = parseEnv({});
    expect(env.TEAL_READ_BUDGET).toBe(0.5);
    expect(env.TEAL_READ_BUDGET_LIMITS).toEqual({});
    expect(env.TEAL_READ_BUDGET_WAIT_MS).toBe(5_000);
    expect(parseEnv({ TEAL_READ_BUDGET: "off" }).TEAL_READ_BUDGET).toBe("off");
    expect(parseEnv({ TEAL_READ_BUDGET: "0.25" }).TEAL_READ_BUDGET).toBe(0.25);
    expect(parseEnv({ TEAL_READ_BUDGET_LIMITS: "route53=10/50, ecs=2.5/4" }).TEAL_READ_BUDGET_LIMITS).toEqual({
      route53: { ratePerSecond: 10, burst: 50 },
      ecs: { ratePerSecond: 2.5, burst: 4 },
    });
    expect(() => parseEnv({ TEAL_READ_BUDGET: "2" })).toThrow(/TEAL_READ_BUDGET/);
    expect(() => parseEnv({ TEAL_READ_BUDGET: "0" })).toThrow(/TEAL_READ_BUDGET/);
    expect(() => parseEnv({ TEAL_READ_BUDGET_LIMITS: "s3=10/50" })).toThrow(/TEAL_READ_BUDGET_LIMITS: "s3=10\/50": write service=rate\/burst/);
    expect(() => parseEnv({ TEAL_READ_BUDGET_LIMITS: "ecs=10" })).toThrow(/TEAL_READ_BUDGET_LIMITS/);
  });

  it("requires the audit key in production, not in the demo or in development", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/TEAL_AUDIT_KEY: required in production/);
    expect(() => parseEnv({ NODE_ENV: "production", TEAL_AUDIT_KEY: "too short" })).toThrow(/TEAL_AUDIT_KEY: at least 32 characters/);
    expect(parseEnv({ NODE_ENV: "production", TEAL_AUDIT_KEY: "k".repeat(32) }).TEAL_AUDIT_KEY).toBe("k".repeat(32));
    expect(parseEnv({ NODE_ENV: "production", TEAL_DEMO_USERS: "1", AWS_ENDPOINT_URL: "http://127.0.0.1:4580" }).TEAL_AUDIT_KEY).toBeUndefined();
    // The demo users (and with them the waived key) only on an emulator: against real AWS, refused.
    expect(() => parseEnv({ NODE_ENV: "production", TEAL_DEMO_USERS: "1" })).toThrow(/TEAL_DEMO_USERS: the demo users' password is published/);
    expect(() => parseEnv({ TEAL_DEMO_USERS: "1" })).toThrow(/against real AWS unset it and sign in with OIDC/);
    expect(parseEnv({}).TEAL_AUDIT_EXPORT_MS).toBe(10_000);
    expect(() => parseEnv({ TEAL_AUDIT_HEAD_SINK: "ftp://example.com/heads" })).toThrow(
      /TEAL_AUDIT_HEAD_SINK: a file path, or an http\(s\):\/\/ webhook URL/,
    );
  });
});
