"use server";

import type { CreatedLocalUser } from "@/lib/domain/local-user";
import { createLocalUserAs, createLocalUserSchema } from "@/lib/auth/local-users";
import { getRuntime } from "@/lib/runtime/runtime";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";

// Create a local user (admins only): an email and a role; without a password Teal makes one and
// returns it this once.
export async function createLocalUser(input: unknown): Promise<ActionResult<CreatedLocalUser>> {
  return runAction("admin", createLocalUserSchema, input, async (actor, data) => {
    const rt = await getRuntime();
    return createLocalUserAs(rt.store, actor, data);
  });
}
