import type { Session } from "next-auth";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/domain/app-error";
import type { Role } from "@/lib/domain/basics";
import { actorFromSession, createSessionAuth } from "./session";

function sessionFor(role: Role | undefined, id: string | undefined = `u-${role ?? "none"}`): Session {
  return { expires: "2099-01-01T00:00:00.000Z", user: { id, email: `${role ?? "none"}@example.com`, role } };
}

const authWith = (session: Session | null) => createSessionAuth(async () => session);

describe("actorFromSession", () => {
  it("reads id, email and role", () => {
    expect(actorFromSession(sessionFor("operator"))).toEqual({ id: "u-operator", email: "operator@example.com", role: "operator" });
  });

  it("refuses incomplete sessions", () => {
    expect(actorFromSession(null)).toBeNull();
    expect(actorFromSession({ expires: "2099-01-01T00:00:00.000Z" })).toBeNull();
    expect(actorFromSession(sessionFor(undefined))).toBeNull();
    expect(actorFromSession(sessionFor("admin", ""))).toBeNull();
  });
});

describe("requireRole", () => {
  it("rejects a caller who is not signed in", async () => {
    const attempt = authWith(null).requireRole("read");
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("rejects a session without a known role as unauthenticated", async () => {
    await expect(authWith(sessionFor(undefined)).requireRole("read")).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("rejects a role below the capability with a permission message", async () => {
    await expect(authWith(sessionFor("viewer")).requireRole("rollback")).rejects.toMatchObject({
      code: "forbidden",
      userMessage: "Permission denied: this needs the responder role or higher.",
    });
    await expect(authWith(sessionFor("responder")).requireRole("shift")).rejects.toMatchObject({ code: "forbidden" });
    await expect(authWith(sessionFor("operator")).requireRole("admin")).rejects.toMatchObject({ code: "forbidden" });
  });

  it("returns the actor when the role suffices", async () => {
    expect(await authWith(sessionFor("viewer")).requireRole("read")).toEqual({ id: "u-viewer", email: "viewer@example.com", role: "viewer" });
    expect((await authWith(sessionFor("responder")).requireRole("abort")).role).toBe("responder");
    expect((await authWith(sessionFor("operator")).requireRole("promote")).role).toBe("operator");
    expect((await authWith(sessionFor("admin")).requireRole("admin")).role).toBe("admin");
  });

  it("asks the session source on every call (no stale caching between requests)", async () => {
    let current: Session | null = sessionFor("operator");
    const auth = createSessionAuth(async () => current);
    expect(await auth.getActor()).toMatchObject({ role: "operator" });
    current = null;
    expect(await auth.getActor()).toBeNull();
  });
});
