import type { WaitCondition } from "@/lib/domain/types";
import { waitLine } from "@/lib/domain/wait-words";

/** One line describing what the engine waits for after a step's call (the plan preview's words). */
export function describeWait(wait: WaitCondition): string {
  return waitLine(wait);
}
