import "server-only";

export {
  createEngine,
  OUTPUT_KEPT,
  SIGNAL_ACTIONS,
  SKIPPED_ALREADY_DONE,
  type Engine,
  type EngineOptions,
  type Journal,
  type JudgeHalt,
  type StartInput,
} from "./engine";
