import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/domain/operation";
import { REQUESTED_PATH_HEADER, signInUrlFor } from "@/lib/http/requested-path";
import { getActor } from "./session";

/**
 * First line of a console page: the signed-in actor, or a redirect to sign-in that comes back to the
 * page asked for. A page must not throw for a visitor who is simply signed out: that is a redirect,
 * not an error to log with a stack trace.
 */
export async function pageActorOrSignIn(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect(signInUrlFor((await headers()).get(REQUESTED_PATH_HEADER)));
  return actor;
}
