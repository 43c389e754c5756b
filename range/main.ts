/**
 * Command-line entry of the practice range: `npm run range`.
 * Environment: PORT (default 4580), RANGE_HOST (default 127.0.0.1), RANGE_SPEED (time compression,
 * default 1), RANGE_HISTORY_HOURS (metric history to build at start, default 3), RANGE_FLEET
 * (generated applications beside the demo world, 0 to 500, default 0) and RANGE_FLEET_HISTORY_HOURS
 * (their metric history, default 1, never more than RANGE_HISTORY_HOURS) and RANGE_IAM_POLICY (a JSON
 * identity policy file: once the world is seeded, every AWS request is authorized against it, as
 * `PUT /_sim/iam` does; see range/control/iam.ts).
 *
 * `npx tsx range/main.ts --write-config FILE` writes the config Teal needs for that world (the demo
 * applications and RANGE_FLEET fleet applications) to FILE and exits without starting the range.
 */
import { writeFileSync } from "node:fs";
import { DEFAULT_HISTORY_MS, startDemoRange } from "@/range/demo/demo";
import { FLEET_MAX, fleetConfigYaml } from "@/range/demo/fleet";
import { loadIamPolicyFile, type RangeIamPolicy } from "@/range/control/iam";
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

/** The fleet's history unless RANGE_FLEET_HISTORY_HOURS says otherwise (backfilling 200 applications' 3 h is slow). */
const DEFAULT_FLEET_HISTORY_HOURS = 1;

async function main(): Promise<void> {
  const fleet = numberFromEnv("RANGE_FLEET", 0, (n) => Number.isInteger(n) && n >= 0 && n <= FLEET_MAX);
  const writeAt = process.argv.indexOf("--write-config");
  if (writeAt >= 0) {
    const file = process.argv[writeAt + 1];
    if (file === undefined || file.startsWith("--")) {
      console.error("--write-config needs a file name.");
      process.exit(2);
    }
    writeFileSync(file, fleetConfigYaml(fleet));
    console.log(`Wrote the config of the demo world${fleet > 0 ? ` and a fleet of ${fleet}` : ""} to ${file}.`);
    return;
  }
  const port = numberFromEnv("PORT", DEFAULT_PORT, (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
  const speed = numberFromEnv("RANGE_SPEED", 1, (n) => n > 0 && n <= 10_000);
  const historyHours = numberFromEnv("RANGE_HISTORY_HOURS", DEFAULT_HISTORY_MS / 3_600_000, (n) => n >= 0 && n <= 24);
  const fleetHistoryHours = numberFromEnv("RANGE_FLEET_HISTORY_HOURS", Math.min(DEFAULT_FLEET_HISTORY_HOURS, historyHours), (n) => n >= 0 && n <= 24);
  const host = process.env.RANGE_HOST ?? DEFAULT_HOST;
  const policyFile = process.env.RANGE_IAM_POLICY ?? "";
  let policy: RangeIamPolicy | null = null;
  if (policyFile !== "") {
    try {
      policy = loadIamPolicyFile(policyFile);
    } catch (err) {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(2);
    }
  }

  const range = await startDemoRange({
    port,
    host,
    config: { speed },
    historyMs: historyHours * 3_600_000,
    fleet,
    fleetHistoryMs: fleetHistoryHours * 3_600_000,
  });
  // After the seeding: the demo world is created through the AWS APIs, which the policy may not allow.
  if (policy !== null) range.setIamPolicy(policy);
  console.log(`Practice range listening on ${range.url}`);
  console.log(
    `  demo world: ${range.demo.recordName} → ${range.demo.environments.map((e) => `${e.loadBalancerName} (${e.version}, weight ${e.weight})`).join(", ")}; ` +
      `${historyHours} h of history built in ${(range.backfillMs / 1000).toFixed(1)} s; speed ${speed}×`,
  );
  if (fleet > 0) {
    console.log(
      `  fleet: ${fleet} applications (fleet-001 … ${`fleet-${String(fleet).padStart(3, "0")}`}) with ${Math.min(fleetHistoryHours, historyHours)} h of history; ` +
        `seeding took ${(range.seedMs / 1000).toFixed(1)} s`,
    );
  }
  if (policy !== null) console.log(`  IAM mode: every AWS request is authorized against ${policyFile} (${range.url}/_sim/iam)`);
  console.log(`  control API: ${range.url}/_sim/state, /_sim/config, /_sim/faults, /_sim/stats, /_sim/iam`);

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
