/**
 * Section `judge` of `npm run bench` (`BENCH_SECTIONS=judge`): the sequential release judge
 * (lib/domain/judge) against the fixed-window Mann–Whitney baseline, on the same simulated
 * minutes (scripts/judge-sim.ts). For each scenario BENCH_JUDGE_RUNS seeded rollouts (default
 * 300) step green through 10 → 25 → 50 % of the demo's traffic, BENCH_JUDGE_BAKE minutes each
 * (default 60), then promote it to 100 %. The sequential judge looks after every minute; the
 * baseline re-runs its test over the step's minutes so far every 5 minutes, as Kayenta's interval
 * analyses do. Both halt the rollout at their first fail.
 *
 * Per row and judge: the share of runs halted, the median minute of the halt (over halted runs),
 * and the median number of requests green served before the halt (a rollout that is not halted
 * counts its three steps plus an hour at 100 %). Pure computation: no range, no server.
 */
import { table } from "./bench-http";
import { BENCH_JUDGE, DEFAULT_PLAN, SCENARIOS, simulateRollout, type RolloutOutcome } from "./judge-sim";

const RUNS = Number(process.env.BENCH_JUDGE_RUNS ?? 300);
const BAKE = Number(process.env.BENCH_JUDGE_BAKE ?? DEFAULT_PLAN.bakeMinutes);

function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface RowFigures {
  halted: number;
  medianMinute: number | null;
  medianGreenRequests: number | null;
}

function figures(outcomes: RolloutOutcome[]): RowFigures {
  const halted = outcomes.filter((o) => o.haltMinute !== null);
  return {
    halted: halted.length / outcomes.length,
    medianMinute: medianOf(halted.map((o) => o.haltMinute ?? 0)),
    medianGreenRequests: medianOf(outcomes.map((o) => o.greenRequests)),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number | null) => (x === null ? "—" : String(Math.round(x)));

export function judgeSection(): void {
  const plan = { ...DEFAULT_PLAN, bakeMinutes: BAKE };
  const started = performance.now();
  const rows: (string | number)[][] = [];
  const goals: string[] = [];
  for (const scenario of SCENARIOS) {
    const seq: RolloutOutcome[] = [];
    const base: RolloutOutcome[] = [];
    let seqFirst = 0;
    for (let run = 0; run < RUNS; run++) {
      const out = simulateRollout(1_000_000 + run, scenario, plan, BENCH_JUDGE);
      seq.push(out.sequential);
      base.push(out.baseline);
      if (out.sequential.haltMinute !== null && (out.baseline.haltMinute === null || out.sequential.haltMinute < out.baseline.haltMinute)) seqFirst++;
    }
    const s = figures(seq);
    const b = figures(base);
    rows.push([
      scenario.name,
      pct(s.halted),
      num(s.medianMinute),
      scenario.bad ? num(s.medianGreenRequests) : "—",
      pct(b.halted),
      num(b.medianMinute),
      scenario.bad ? num(b.medianGreenRequests) : "—",
      scenario.bad ? pct(seqFirst / RUNS) : "—",
    ]);
    if (!scenario.bad)
      goals.push(
        `false-alarm rate ${pct(s.halted)} ≤ α ${pct(BENCH_JUDGE.alpha)}: ${s.halted <= BENCH_JUDGE.alpha ? "met" : "MISSED"} (baseline ${pct(b.halted)})`,
      );
    if (scenario.name === "green 2× the 5xx rate") {
      goals.push(`2× 5xx halted ${pct(s.halted)} ≥ 99 %: ${s.halted >= 0.99 ? "met" : "MISSED"}`);
      const faster = s.medianMinute !== null && (b.medianMinute === null || s.medianMinute < b.medianMinute);
      goals.push(`2× 5xx median minute to halt ${num(s.medianMinute)} < baseline ${num(b.medianMinute)}: ${faster ? "met" : "MISSED"}`);
      const less = (s.medianGreenRequests ?? Infinity) < (b.medianGreenRequests ?? Infinity);
      goals.push(
        `2× 5xx requests to green before the halt ${num(s.medianGreenRequests)} < baseline ${num(b.medianGreenRequests)}: ${less ? "met" : "MISSED"}`,
      );
    }
  }
  table(
    `Release judge: ${RUNS} seeded rollouts per row, steps ${plan.steps.map((x) => `${x * 100} %`).join(" → ")} × ${plan.bakeMinutes} min, demo traffic (40 req/s), α = ${BENCH_JUDGE.alpha} over ${BENCH_JUDGE.metrics.length} metrics`,
    ["scenario", "seq. halted", "seq. median min", "seq. green req.", "MW halted", "MW median min", "MW green req.", "seq. halted first"],
    rows,
  );
  console.log("\n  Goals:");
  for (const g of goals) console.log(`   - ${g}`);
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
