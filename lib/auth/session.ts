import "server-only";
import { getServerSession, type Session } from "next-auth";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import { authOptions } from "./options";
import { can, MINIMUM_ROLE, isRole, type Capability } from "./roles";

export type SessionSource = () => Promise<Session | null>;

/** The signed-in actor in a session, or null when it lacks an id, an email or a known role. */
export function actorFromSession(session: Session | null): Actor | null {
  const user = session?.user;
  if (!user || typeof user.id !== "string" || user.id === "" || typeof user.email !== "string" || user.email === "") return null;
  return isRole(user.role) ? { id: user.id, email: user.email, role: user.role } : null;
}

export interface SessionAuth {
  getActor(): Promise<Actor | null>;
  /** The actor, if signed in with a role that has `capability`; else AppError unauthenticated / forbidden. */
  requireRole(capability: Capability): Promise<Actor>;
}

/** Authorization over any session source (injectable for tests). */
export function createSessionAuth(source: SessionSource): SessionAuth {
  const getActor = async () => actorFromSession(await source());
  return {
    getActor,
    async requireRole(capability) {
      const actor = await getActor();
      if (!actor) throw new AppError("unauthenticated", "Sign in to continue.");
      if (!can(actor.role, capability)) {
        throw new AppError(
          "forbidden",
          `Permission denied: this needs the ${MINIMUM_ROLE[capability]} role or higher.`,
          `${actor.email} (${actor.role}) lacks ${capability}`,
        );
      }
      return actor;
    },
  };
}

// Test seam: in-process tests have no Next request scope for next-auth to read cookies from, so
// they install a source here (e.g. next-auth decoding a real session cookie). Refused outside tests.
const seam = globalThis as typeof globalThis & { __tealSessionSourceForTests?: SessionSource };

/** Replaces how the current request's session is read (tests only; `undefined` restores next-auth's). */
export function setSessionSourceForTests(source: SessionSource | undefined): void {
  if (process.env.NODE_ENV !== "test") throw new Error("setSessionSourceForTests is for tests only");
  seam.__tealSessionSourceForTests = source;
}

const fromRequest = createSessionAuth(() => (seam.__tealSessionSourceForTests ?? (() => getServerSession(authOptions)))());

/** The signed-in actor of the current request, or null. */
export function getActor(): Promise<Actor | null> {
  return fromRequest.getActor();
}

/** First line of every server action and route: the caller, if allowed `capability`; throws otherwise. */
export function requireRole(capability: Capability): Promise<Actor> {
  return fromRequest.requireRole(capability);
}
