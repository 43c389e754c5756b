import { describe, expect, it } from "vitest";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { GreenVerdict } from "@/lib/domain/green-verdict";
import type { WallAppDetail, WallOperation } from "@/lib/domain/wall";
import { wallStatus, type WallStatusInput } from "./wall-status";

const NOW = 1_000_000;

const app: AppSummary = {
  id: "shop",
  name: "Shop storefront",
  pattern: "dns-weighted",
  region: "us-east-1",
  configuredGreenPercent: 0,
  observedGreenPercent: 0,
  health: { blue: { healthy: 2, unhealthy: 0 }, green: { healthy: 2, unhealthy: 0 } },
  operation: null,
  dataAgeMs: 1_000,
  error: null,
  drift: null,
};

function verdict(status: GreenVerdict["status"]): GreenVerdict {
  return { status, label: status, figures: "green 5xx 29.8 % vs blue 0.4 %", detail: "", windowMinutes: 5, blue: null, green: null };
}

const running: WallOperation = {
  id: "op",
  status: "running",
  summary: "Shift green from 0 % to 25 %",
  actorEmail: "o@example.com",
  step: 2,
  steps: 4,
  stepTitle: "Wait",
};
const quiet: WallAppDetail = { appId: "shop", operation: null, alarms: [] };

function input(over: Partial<WallStatusInput> = {}): WallStatusInput {
  return { app, detail: quiet, wall: { kind: "fresh", ageMs: 1_000 }, lastSuccessMs: NOW - 1_000, nowMs: NOW, pollMs: 5_000, ...over };
}

const staleWall = { kind: "stale", ageMs: 40_000, cause: "AWS could not be reached." } as const;

describe("wallStatus", () => {
  it("is OK with fresh data, nothing running, no alarm and green not worse", () => {
    expect(wallStatus(input()).word).toBe("OK");
    expect(wallStatus(input({ app: { ...app, greenVerdict: verdict("ok") } })).word).toBe("OK");
    expect(wallStatus(input({ app: { ...app, greenVerdict: verdict("insufficient") } })).word).toBe("OK");
  });

  it("is SHIFTING while an operation is pending or running", () => {
    expect(wallStatus(input({ detail: { ...quiet, operation: running } })).word).toBe("SHIFTING");
    expect(wallStatus(input({ detail: { ...quiet, operation: { ...running, status: "pending" } } })).word).toBe("SHIFTING");
  });

  it("is FAILING for a green judged failing or slower, any alarm, a failed operation or drift", () => {
    expect(wallStatus(input({ app: { ...app, greenVerdict: verdict("failing") } }))).toMatchObject({
      word: "FAILING",
      verdict: { status: "failing" },
    });
    expect(wallStatus(input({ app: { ...app, greenVerdict: verdict("slower") } })).word).toBe("FAILING");
    const alarm = (id: string, severity: "critical" | "warning") => ({ ...quiet, alarms: [{ id, severity, text: id }] });
    expect(wallStatus(input({ detail: alarm("blue-down", "critical") })).word).toBe("FAILING");
    expect(wallStatus(input({ detail: alarm("operation-failed", "warning") })).word).toBe("FAILING");
    expect(wallStatus(input({ detail: alarm("drift", "warning") })).word).toBe("FAILING");
  });

  it("uses the overview summary before the wall route has answered", () => {
    const drift = {
      kind: "share" as const,
      actualGreenPercent: 40,
      expectedGreenPercent: 0,
      text: "green 40 %, expected 0 %",
      operation: { id: "o", summary: "s", finishedAt: null },
    };
    expect(wallStatus(input({ detail: null, app: { ...app, drift } })).alarms.map((a) => a.text)).toEqual([
      "AWS differs from Teal's last operation: green 40 %, expected 0 %",
    ]);
    const op = {
      id: "o",
      status: "failed" as const,
      summary: "Shift",
      intent: { kind: "shift" as const, greenPercent: 10 },
      actor: { id: "u", email: "e", role: "operator" as const },
      createdAt: "",
    };
    expect(wallStatus(input({ detail: null, app: { ...app, operation: op } })).word).toBe("FAILING");
    expect(wallStatus(input({ detail: null, app: { ...app, operation: { ...op, status: "running" } } })).word).toBe("SHIFTING");
  });

  it("is STALE when the wall cannot poll, or when Teal could not refresh this application for two intervals", () => {
    expect(wallStatus(input({ wall: staleWall }))).toMatchObject({ word: "STALE", stale: { ageMs: 40_000, cause: "AWS could not be reached." } });
    expect(wallStatus(input({ wall: { kind: "unreachable", ageMs: 12_000 } })).word).toBe("STALE");
    expect(wallStatus(input({ app: { ...app, dataAgeMs: 20_000, error: "AWS could not be reached." } }))).toMatchObject({
      word: "STALE",
      stale: { ageMs: 21_000, cause: "AWS could not be reached." },
    });
    // Never read at all.
    expect(wallStatus(input({ app: { ...app, dataAgeMs: null, health: null, error: "Access denied" } }))).toMatchObject({
      word: "STALE",
      stale: { ageMs: null, cause: "Access denied" },
    });
    // A refresh that just failed, on data still within two intervals: not stale yet.
    expect(wallStatus(input({ app: { ...app, dataAgeMs: 4_000, error: "AWS could not be reached." } })).word).toBe("OK");
  });

  it("judges an application read every 30 s (nobody has its page open) against that interval, and shows its whole age", () => {
    expect(wallStatus(input({ app: { ...app, dataAgeMs: 28_000, refreshMs: 30_000 } })).word).toBe("OK");
    expect(wallStatus(input({ app: { ...app, dataAgeMs: 50_000, refreshMs: 30_000, error: "AWS could not be reached." } }))).toMatchObject({
      word: "STALE",
      stale: { ageMs: 51_000, cause: "AWS could not be reached." },
    });
  });

  it("does not count a state read error as an alarm: that is staleness", () => {
    const unreadable = {
      ...quiet,
      alarms: [{ id: "unreadable", severity: "critical" as const, text: "State unreadable: AWS could not be reached." }],
    };
    expect(wallStatus(input({ detail: unreadable, wall: staleWall }))).toMatchObject({ word: "STALE", alarms: [] });
  });

  it("states the precedence: FAILING > STALE > SHIFTING > OK", () => {
    const failing = { ...app, greenVerdict: verdict("failing") };
    const busy = { ...quiet, operation: running };
    // FAILING beats everything, and still says how old its data is.
    expect(wallStatus(input({ app: failing, detail: busy, wall: staleWall }))).toMatchObject({ word: "FAILING", stale: { ageMs: 40_000 } });
    expect(wallStatus(input({ app: failing, detail: busy })).word).toBe("FAILING");
    // STALE beats SHIFTING: a shift's progress on data that old is not known.
    expect(wallStatus(input({ detail: busy, wall: staleWall })).word).toBe("STALE");
    // SHIFTING beats OK.
    expect(wallStatus(input({ detail: busy })).word).toBe("SHIFTING");
    expect(wallStatus(input()).word).toBe("OK");
  });
});
