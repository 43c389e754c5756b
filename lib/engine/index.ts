import "server-only";

export {
  createEngine,
  describeWait,
  OUTPUT_KEPT,
  SKIPPED_ALREADY_DONE,
  type Engine,
  type EngineOptions,
  type Journal,
  type StartInput,
} from "./engine";
