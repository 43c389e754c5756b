import "server-only";
import { ConfigError } from "@/lib/config/load";
import { getRuntime } from "./runtime";

/** Server start-up: fail fast on bad configuration, recover operations a crash left running. */
export async function startRuntime(): Promise<void> {
  try {
    const rt = await getRuntime();
    const recovered = await rt.engine.recoverInterrupted();
    if (recovered.length > 0) {
      console.warn(`[teal] ${recovered.length} operation(s) were interrupted by a restart: resume or roll back from the console.`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[teal] ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
