import { describe, expect, it } from "vitest";
import type { AuditRecord, Operation } from "@/lib/domain/operation";
import { AUDIT_CSV_HEADER, auditCsv, exportFileName, OPERATION_CSV_HEADER, operationsCsv } from "./export";

const op: Operation = {
  id: "op-1",
  appId: "shop",
  pattern: "dns-weighted",
  intent: { kind: "shift", greenPercent: 25 },
  summary: "Shift green from 0 % to 25 %",
  status: "failed",
  actor: { id: "u1", email: "operator@example.com", role: "operator" },
  reason: "Canary, build 42",
  createdAt: "2025-03-01T10:00:00.000Z",
  startedAt: "2025-03-01T10:00:01.000Z",
  finishedAt: "2025-03-01T10:00:13.500Z",
  error: "Route 53 refused the change",
  steps: [
    { index: 0, id: "a", title: "Check green", status: "succeeded", startedAt: null, finishedAt: null, output: null, error: null },
    { index: 1, id: "b", title: "Set weights 75/25", status: "failed", startedAt: null, finishedAt: null, output: null, error: "throttled" },
  ],
};

describe("operationsCsv", () => {
  it("writes one row per operation under the header, with actor, reason, timing and the failed step", () => {
    const [header, row, end] = operationsCsv([op]).split("\r\n");
    expect(header).toBe(OPERATION_CSV_HEADER.join(","));
    expect(row).toBe(
      'op-1,shop,dns-weighted,shift,Shift green from 0 % to 25 %,failed,operator@example.com,operator,"Canary, build 42",2025-03-01T10:00:00.000Z,2025-03-01T10:00:01.000Z,2025-03-01T10:00:13.500Z,12.5,2,1,Set weights 75/25,Route 53 refused the change',
    );
    expect(end).toBe("");
  });

  it("leaves the duration empty while an operation has not finished", () => {
    const row = operationsCsv([{ ...op, status: "running", finishedAt: null, error: null }]).split("\r\n")[1] ?? "";
    expect(row.split(",")[12]).toBe("");
  });
});

describe("auditCsv", () => {
  it("writes actor, application, reason and the change as JSON cells", () => {
    const record: AuditRecord = {
      seq: 7,
      at: "2025-03-01T10:00:02.000Z",
      action: "traffic.shifted",
      actor: { id: "u1", email: "operator@example.com", role: "operator" },
      appId: "shop",
      operationId: "op-1",
      reason: "Canary",
      before: { greenPercent: 0 },
      after: { greenPercent: 25 },
      prevHash: "0".repeat(64),
      hash: "a".repeat(64),
    };
    const system: AuditRecord = {
      ...record,
      seq: 8,
      action: "auth.denied",
      actor: null,
      appId: null,
      operationId: null,
      reason: null,
      before: null,
      after: null,
    };
    const [header, first, second] = auditCsv([record, system]).split("\r\n");
    expect(header).toBe(AUDIT_CSV_HEADER.join(","));
    expect(first).toBe(
      `7,2025-03-01T10:00:02.000Z,traffic.shifted,operator@example.com,operator,shop,op-1,Canary,"{""greenPercent"":0}","{""greenPercent"":25}",${"a".repeat(64)}`,
    );
    expect(second).toBe(`8,2025-03-01T10:00:02.000Z,auth.denied,,,,,,,,${"a".repeat(64)}`);
  });
});

describe("exportFileName", () => {
  it("names the kind, the time (UTC, no separators) and the format", () => {
    const at = new Date("2025-03-01T10:04:05.678Z");
    expect(exportFileName("operations", "csv", at)).toBe("teal-operations-20250301T100405Z.csv");
    expect(exportFileName("audit", "json", at)).toBe("teal-audit-20250301T100405Z.json");
  });
});
