/**
 * What the Roll back button says. Traffic patterns go back to blue; an ECS rolling update goes back
 * to a revision: the one that served before the current deployment, named by its number
 * ("Roll back to :41"), or, when Teal cannot tell which that is, a choice ("Roll back to…").
 */

/** What the console knows of an ecs-rolling service's revisions. */
export interface RevisionRollback {
  /** The revision that served before the current deployment; null when unknown. */
  target: string | null;
  /** The revision the current (PRIMARY) deployment runs. */
  primary: string;
  /** ACTIVE revisions of the family, newest first ("family:revision"). */
  revisions: readonly string[];
}

/** ":41" of "notifications:41" (the whole name when it has no revision number). */
export function revisionSuffix(taskDefinition: string): string {
  const colon = taskDefinition.lastIndexOf(":");
  return colon >= 0 && /^\d+$/.test(taskDefinition.slice(colon + 1)) ? taskDefinition.slice(colon) : taskDefinition;
}

/**
 * `revisionPending`: an ecs-rolling service whose revisions are not read yet (AWS has not answered):
 * a generic "Roll back…" in the same place, so the button is there before AWS and never moves.
 */
export function rollbackButtonLabel(revision: RevisionRollback | undefined, revisionPending = false): string {
  if (!revision) return revisionPending ? "Roll back…" : "Roll back to blue";
  return revision.target === null ? "Roll back to…" : `Roll back to ${revisionSuffix(revision.target)}`;
}

/** Revisions a person may choose to go back to: the family's ACTIVE ones but the current. */
export function rollbackChoices(revision: RevisionRollback): string[] {
  return revision.revisions.filter((r) => r !== revision.primary);
}
