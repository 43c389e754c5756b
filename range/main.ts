/**
 * Command-line entry of the practice range: `npm run range`.
 * Environment: PORT (default 4580), RANGE_HOST (default 127.0.0.1), RANGE_SPEED (time compression,
 * default 1), RANGE_HISTORY_HOURS (metric history to build at start, default 3).
 */
import { DEFAULT_HISTORY_MS, startDemoRange } from "@/range/demo/demo";
import { DEFAULT_HOST, DEFAULT_PORT } from "@/range/protocols/server";

function numberFromEnv(name: string, fallback: number, valid: (n: number) => boolean): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !valid(value)) {
    console.error(`${name}=${text} is not valid.`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const port = numberFromEnv("PORT", DEFAULT_PORT, (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
  const speed = numberFromEnv("RANGE_SPEED", 1, (n) => n > 0 && n <= 10_000);
  const historyHours = numberFromEnv("RANGE_HISTORY_HOURS", DEFAULT_HISTORY_MS / 3_600_000, (n) => n >= 0 && n <= 24);
  const host = process.env.RANGE_HOST ?? DEFAULT_HOST;

  const range = await startDemoRange({ port, host, config: { speed }, historyMs: historyHours * 3_600_000 });
  console.log(`Practice range listening on ${range.url}`);
  console.log(
    `  demo world: ${range.demo.recordName} → ${range.demo.environments.map((e) => `${e.loadBalancerName} (${e.version}, weight ${e.weight})`).join(", ")}; ` +
      `${historyHours} h of history built in ${(range.backfillMs / 1000).toFixed(1)} s; speed ${speed}×`,
  );
  console.log(`  control API: ${range.url}/_sim/state, /_sim/config, /_sim/faults, /_sim/stats`);

  const stop = (): void => {
    range.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error("The practice range could not start:", err);
  process.exit(1);
});
