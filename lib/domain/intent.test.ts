import { describe, expect, it } from "vitest";
import { INTENT_KINDS, parseIntent, parsePlanQuery, type PlanRequest } from "./intent";
import { planQuery } from "./plan-query";

/** One request of every kind the plan route previews. */
const EVERY_KIND: PlanRequest[] = [
  { kind: "shift", greenPercent: 25 },
  { kind: "promote" },
  { kind: "rollback" },
  { kind: "rollback", taskDefinition: "notifications:41" },
  { kind: "standby-enter", color: "blue", instanceIds: ["i-1", "i-2"] },
  { kind: "standby-exit", color: "green" },
  { kind: "scale-green", capacity: 3 },
  { kind: "deploy-revision", taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/notifications:42" },
  { kind: "progressive", steps: [10, 50, 100], bakeSeconds: 300, gates: ["auto", "auto", "manual"] },
  { kind: "progressive", preset: "canary10Percent5Minutes" },
  { kind: "reassert" },
];

describe("the intent schema", () => {
  it("names every kind a plan can be made for", () => {
    expect(INTENT_KINDS).toEqual(["shift", "promote", "rollback", "standby-enter", "standby-exit", "scale-green", "deploy-revision", "progressive"]);
  });

  it("parses every intent as it is", () => {
    for (const intent of EVERY_KIND.filter((r) => r.kind !== "reassert")) expect(parseIntent(intent)).toEqual({ ok: true, value: intent });
  });

  it("refuses what no planner could carry out, naming the field", () => {
    expect(parseIntent({ kind: "shift", greenPercent: 101 })).toMatchObject({ ok: false, message: expect.stringMatching(/^greenPercent: /) });
    expect(parseIntent({ kind: "shift", greenPercent: 12.5 })).toMatchObject({ ok: false, message: "greenPercent: a whole number of percent" });
    expect(parseIntent({ kind: "shift" })).toMatchObject({ ok: false, message: expect.stringMatching(/^greenPercent: /) });
    expect(parseIntent({ kind: "scale-green", capacity: -1 })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "standby-enter", color: "red" })).toMatchObject({ ok: false, message: expect.stringMatching(/^color: /) });
    expect(parseIntent({ kind: "standby-exit", color: "blue", instanceIds: [] })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "standby-exit", color: "blue", instanceIds: ["i-1;rm"] })).toMatchObject({
      ok: false,
      message: "instanceIds.0: not an instance id",
    });
    expect(parseIntent({ kind: "deploy-revision", taskDefinition: "notifications 42" })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "reassert" })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "nuke" })).toMatchObject({ ok: false });
    expect(parseIntent("shift")).toMatchObject({ ok: false });
  });

  it("refuses a field the kind does not have", () => {
    expect(parseIntent({ kind: "promote", greenPercent: 100 })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "shift", greenPercent: 10, color: "blue" })).toMatchObject({ ok: false });
  });

  it("trims a typed task definition", () => {
    expect(parseIntent({ kind: "deploy-revision", taskDefinition: " notifications:42 " })).toEqual({
      ok: true,
      value: { kind: "deploy-revision", taskDefinition: "notifications:42" },
    });
  });
});

describe("a plan preview's query", () => {
  it("reads back every request the browser writes", () => {
    for (const request of EVERY_KIND) expect(parsePlanQuery(planQuery(request))).toEqual({ ok: true, value: request });
  });

  it("leaves an empty list of instances out (all of them)", () => {
    expect(planQuery({ kind: "standby-enter", color: "blue", instanceIds: [] }).toString()).toBe("intent=standby-enter&color=blue");
  });

  it("ignores parameters the kind does not have", () => {
    expect(parsePlanQuery(new URLSearchParams("intent=shift&greenPercent=30&color=blue&_=1"))).toEqual({
      ok: true,
      value: { kind: "shift", greenPercent: 30 },
    });
  });

  it("refuses a missing or unknown intent, and numbers that are not whole decimals", () => {
    for (const query of [
      "",
      "intent=",
      "intent=nuke",
      "intent=__proto__",
      "intent=shift",
      "intent=shift&greenPercent=",
      "intent=shift&greenPercent=0x10",
      "intent=shift&greenPercent=1e1",
      "intent=shift&greenPercent=-5",
      "intent=shift&greenPercent=60.5",
      "intent=shift&greenPercent=101",
      "intent=scale-green&capacity=10001",
      "intent=standby-enter&color=blue&instanceIds=i-1,,i-2",
      "intent=standby-enter&color=purple",
      "intent=deploy-revision",
      "intent=rollback&taskDefinition=../../etc/passwd%00",
    ]) {
      expect(parsePlanQuery(new URLSearchParams(query)), query).toMatchObject({ ok: false });
    }
  });
});
