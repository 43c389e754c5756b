import "server-only";

export { createEngine, OUTPUT_KEPT, SKIPPED_ALREADY_DONE, type Engine, type EngineOptions, type Journal, type StartInput } from "./engine";
