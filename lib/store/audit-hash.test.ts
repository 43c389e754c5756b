import { describe, expect, it } from "vitest";
import { auditHash, canonicalJson, GENESIS_HASH, type AuditHashedFields } from "./audit-hash";

const row: AuditHashedFields = {
  seq: 1,
  at: "2025-01-01T00:00:00.000Z",
  action: "traffic.shifted",
  actor: { id: "u1", email: "a@example.com", role: "operator" },
  appId: "shop",
  operationId: "op-1",
  reason: "release 42",
  before: { greenPercent: 0 },
  after: { greenPercent: 25 },
};

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("gives the same text for objects built in different orders", () => {
    expect(canonicalJson({ x: 1, y: "2" })).toBe(canonicalJson({ y: "2", x: 1 }));
  });

  it("refuses values JSON cannot carry", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe("auditHash", () => {
  it("is a sha256 hex digest that depends on the previous hash and every field", () => {
    const h = auditHash(GENESIS_HASH, row);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(GENESIS_HASH, { ...row })).toBe(h);
    expect(auditHash("1".repeat(64), row)).not.toBe(h);
    expect(auditHash(GENESIS_HASH, { ...row, reason: "release 43" })).not.toBe(h);
    expect(auditHash(GENESIS_HASH, { ...row, after: { greenPercent: 26 } })).not.toBe(h);
    expect(auditHash(GENESIS_HASH, { ...row, seq: 2 })).not.toBe(h);
  });
});
