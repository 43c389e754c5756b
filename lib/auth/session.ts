import "server-only";
import { getServerSession, type Session } from "next-auth";
import { AppError, type Actor } from "@/lib/domain/types";
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
        throw new AppError("forbidden", `Permission denied: this needs the ${MINIMUM_ROLE[capability]} role or higher.`, `${actor.email} (${actor.role}) lacks ${capability}`);
      }
      return actor;
    },
  };
}

const fromRequest = createSessionAuth(() => getServerSession(authOptions));

/** The signed-in actor of the current request, or null. */
export function getActor(): Promise<Actor | null> {
  return fromRequest.getActor();
}

/** First line of every server action and route: the caller, if allowed `capability`; throws otherwise. */
export function requireRole(capability: Capability): Promise<Actor> {
  return fromRequest.requireRole(capability);
}
