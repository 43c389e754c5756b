// Runs once when the server starts: validate configuration (a bad file stops the server with the
// field and the fix), open the store, and mark operations left running by a crash as interrupted.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startRuntime } = await import("@/lib/runtime/start");
  await startRuntime();
}
