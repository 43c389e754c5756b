"use client";

import { useState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { describeFailure, describeThrown, type ActionFailure } from "./action-message";

/** Runs one server action at a time and keeps its failure as a user-facing message. */
export function useActionRunner<T>() {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<ActionFailure | null>(null);

  async function run(action: () => Promise<ActionResult<T>>): Promise<T | null> {
    setPending(true);
    setFailure(null);
    try {
      const result = await action();
      if (result.ok) return result.data;
      setFailure(describeFailure(result));
      return null;
    } catch (error) {
      setFailure(describeThrown(error));
      return null;
    } finally {
      setPending(false);
    }
  }

  return { pending, failure, run, clearFailure: () => setFailure(null) };
}
