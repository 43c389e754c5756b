import type { Role } from "@/lib/domain/basics";

/** What the signed-in person may do on an application page (computed on the server from the role). */
export interface ConsolePermissions {
  shift: boolean;
  rollback: boolean;
  abort: boolean;
  /** Put back the end state of the last successful operation when AWS drifted from it. */
  reassert: boolean;
}

export const NO_PERMISSIONS: ConsolePermissions = { shift: false, rollback: false, abort: false, reassert: false };

/** Whether any control is shown at all (viewers get a read-only page). */
export function hasAnyControl(p: ConsolePermissions): boolean {
  return p.shift || p.rollback || p.abort || p.reassert;
}

export const ROLE_LABEL: Record<Role, string> = {
  viewer: "Viewer",
  responder: "Responder",
  operator: "Operator",
  admin: "Admin",
};
