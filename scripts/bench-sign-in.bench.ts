/**
 * Sign-in under guessing (a benchmark, not a test): `npx vitest bench --run scripts/bench-sign-in.bench.ts`.
 * (Run by vitest rather than tsx: next-auth's CommonJS default exports load as vitest loads them in the tests.)
 *
 * Builds Teal's next-auth options (demo users, in-memory sessions) and drives next-auth's route
 * handler in this process, as lib/auth/sign-in-throttle.test.ts does. It prints a signed-in viewer's
 * session read (cookie decryption included) p50/p95 when idle and while 400 wrong-password sign-ins
 * from as many addresses arrive at once, how those attempts were answered (429 at once, or checked
 * and refused with 401) and how long the burst took; then how many of 200 sequential guesses at one
 * account reached the password check.
 */
import NextAuth from "next-auth";
import { bench } from "vitest";
import { buildAuthOptions } from "@/lib/auth/build-options";
import { passwordGateStats } from "@/lib/auth/passwords";
import { authClient, type RouteHandler } from "@/test/support/auth";
import { throttledAnswer } from "@/lib/auth/throttled-answer";

const attempts = 400;
process.env.NEXTAUTH_URL = "http://127.0.0.1:3000";

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const handler: RouteHandler = NextAuth(
    buildAuthOptions({ NEXTAUTH_SECRET: "bench-secret-0123456789abcdef0123", TEAL_DEMO_USERS: "1", AWS_ENDPOINT_URL: "http://127.0.0.1:4580" }),
  );
  const client = authClient({ GET: handler, POST: async (req, ctx) => throttledAnswer(await handler(req, ctx)) });
  const viewer = (await client.signIn("viewer@example.com", "teal-demo", "198.51.100.1")).cookies;

  const readTimes = async (count: number, keepGoing: () => boolean = () => true): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < count && keepGoing(); i++) {
      const t0 = performance.now();
      const session = await client.session(viewer);
      if (!session) throw new Error("the viewer's session was refused");
      times.push(performance.now() - t0);
    }
    return times;
  };

  const idle = await readTimes(50);
  let done = false;
  const t0 = performance.now();
  const burst = Promise.all(
    Array.from({ length: attempts }, (_, i) => client.signIn(`guess${i}@example.com`, "wrong", `10.1.${Math.floor(i / 250)}.${i % 250}`)),
  ).then((answers) => {
    done = true;
    return answers;
  });
  const busy = await readTimes(1_000_000, () => !done);
  const answers = await burst;
  const burstMs = performance.now() - t0;

  const seqBefore = passwordGateStats().derived;
  const seq = new Map<number, number>();
  const s0 = performance.now();
  for (let i = 0; i < 200; i++) {
    const a = await client.signIn("operator@example.com", `guess-${i}`, "203.0.113.5");
    seq.set(a.status, (seq.get(a.status) ?? 0) + 1);
  }
  const seqMs = performance.now() - s0;

  const count = (status: number) => answers.filter((a) => a.status === status).length;
  console.log(`viewer session read, idle: p50 ${pct(idle, 50).toFixed(1)} ms, p95 ${pct(idle, 95).toFixed(1)} ms (${idle.length} reads)`);
  console.log(
    `viewer session read during ${attempts} sign-in attempts at once: p50 ${pct(busy, 50).toFixed(1)} ms, p95 ${pct(busy, 95).toFixed(1)} ms, max ${Math.max(...busy).toFixed(1)} ms (${busy.length} reads)`,
  );
  console.log(
    `the burst: ${count(429)} refused at once (429), ${count(401)} checked and refused (401), in ${(burstMs / 1000).toFixed(2)} s; peak password checks at once ${passwordGateStats().peakRunning}`,
  );
  console.log(
    `200 sequential guesses at one account: ${JSON.stringify(Object.fromEntries(seq))} by status, ${passwordGateStats().derived - seqBefore} password checks, ${(seqMs / 1000).toFixed(2)} s`,
  );
}

// One run: the figures are printed above; vitest's own iteration table says only how long the run took.
bench("sign-in under a guessing burst", main, { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 });
