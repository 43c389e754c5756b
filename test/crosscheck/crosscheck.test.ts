/**
 * Cross-check of the practice range against moto 5.2.1 (an independent open-source AWS emulator):
 * the same scenarios with the same SDK clients against both, compared step by step on normalised
 * observations. Where they differ the range must match AWS, and the difference must be listed in
 * known-differences.ts with the docs/aws-behaviour.md section that says so; anything else fails.
 *
 * Needs `moto_server` on the PATH. Without it the suite cannot run: one test says so loudly, and
 * fails when TEAL_REQUIRE_MOTO=1 (set it where moto is expected, e.g. CI).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoAvailable, Observations, startMoto, startRangeTarget, type Target } from "./harness";
import { KNOWN_DIFFERENCES } from "./known-differences";
import { SCENARIOS } from "./scenarios";

const hasMoto = motoAvailable();

describe.runIf(!hasMoto)("cross-check against moto (moto_server not on the PATH)", () => {
  it("is not run: moto_server is missing", () => {
    console.warn(
      "\n*** CROSS-CHECK NOT RUN: `moto_server` (moto 5.2.1) is not on the PATH. The practice range was NOT compared with moto. " +
        "Install moto[server] or set TEAL_REQUIRE_MOTO=1 to make this a failure. ***\n",
    );
    expect(process.env.TEAL_REQUIRE_MOTO, "TEAL_REQUIRE_MOTO=1 but moto_server is not on the PATH").not.toBe("1");
  });
});

describe.runIf(hasMoto)("cross-check: practice range vs moto", () => {
  let moto: Target;
  let range: Target;
  const observed = new Set<string>();

  beforeAll(async () => {
    [moto, range] = await Promise.all([startMoto(), startRangeTarget()]);
  });

  afterAll(async () => {
    await Promise.all([moto?.close(), range?.close()]);
  });

  it("has a known-differences table whose entries are unique and cite docs/aws-behaviour.md", () => {
    const keys = KNOWN_DIFFERENCES.map((d) => `${d.scenario} / ${d.step}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of KNOWN_DIFFERENCES) expect(d.facts, `${d.scenario} / ${d.step}`).toMatch(/§\d+/);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    "%s: same observations, or a listed moto gap where the range behaves like AWS",
    async (name, scenario) => {
      const fromMoto = new Observations();
      const fromRange = new Observations();
      await scenario.run(moto, fromMoto);
      await scenario.run(range, fromRange);
      expect([...fromRange.steps.keys()]).toEqual([...fromMoto.steps.keys()]);

      const problems: string[] = [];
      for (const [step, rangeValue] of fromRange.steps) {
        observed.add(`${name} / ${step}`);
        const motoValue = fromMoto.steps.get(step);
        const known = KNOWN_DIFFERENCES.find((d) => d.scenario === name && d.step === step);
        const same = JSON.stringify(rangeValue) === JSON.stringify(motoValue);
        if (!known) {
          if (!same)
            problems.push(`UNEXPECTED DIFFERENCE at "${step}":\n  moto:  ${JSON.stringify(motoValue)}\n  range: ${JSON.stringify(rangeValue)}`);
          continue;
        }
        if (JSON.stringify(rangeValue) !== JSON.stringify(known.range)) {
          problems.push(
            `RANGE NOT LIKE AWS at "${step}" (${known.facts}: ${known.aws}):\n  expected: ${JSON.stringify(known.range)}\n  range:    ${JSON.stringify(rangeValue)}`,
          );
        }
        if (same)
          problems.push(`STALE known difference at "${step}": moto now agrees with the range (${JSON.stringify(motoValue)}); remove the entry.`);
      }
      expect(problems, problems.join("\n\n")).toEqual([]);
    },
  );

  it("observed every step the known-differences table names", () => {
    const dangling = KNOWN_DIFFERENCES.map((d) => `${d.scenario} / ${d.step}`).filter((k) => !observed.has(k));
    expect(dangling).toEqual([]);
  });
});
