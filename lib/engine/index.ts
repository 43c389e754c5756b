import "server-only";

export { createEngine, describeWait, type Engine, type EngineOptions, type StartInput } from "./engine";
