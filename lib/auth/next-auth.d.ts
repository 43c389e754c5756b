// What Teal adds to next-auth's session and user types: every signed-in user has a Teal role.
import type { DefaultSession } from "next-auth";
import type { Role } from "@/lib/domain/basics";

declare module "next-auth" {
  interface User {
    /** null only for an OpenID Connect user whose claims map to no role: refused at sign-in. */
    role: Role | null;
  }

  interface Session {
    /** id and role are set by Teal's session callback; missing only for a session from another build. */
    user?: DefaultSession["user"] & { id?: string; role?: Role };
  }
}
