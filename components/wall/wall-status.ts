/**
 * The one big word each wall tile shows, and why. Pure, so the precedence is stated once, here and in
 * its test, and every tile follows it.
 *
 * Precedence: FAILING > STALE > SHIFTING > OK.
 * - FAILING first: green judged worse than blue (failing or slower), an alarm (no healthy capacity
 *   under traffic, unhealthy instances, an ECS circuit-breaker rollback), a failed or interrupted
 *   operation, or AWS drifted from Teal's last operation. An alarm is never hidden by staleness: the
 *   last thing known of it is that it was failing, and the tile adds how old that is.
 * - STALE next: neither a shift's progress nor "OK" can be trusted on old data, and "OK" on old data
 *   is the one lie a wall must not tell. Stale when the wall cannot poll (wall-freshness.ts) or when
 *   Teal's server could not refresh this application from AWS for two refresh intervals.
 * - SHIFTING: an operation is pending or running.
 * - OK: none of the above.
 */

import type { AppSummary } from "@/lib/domain/snapshot";
import type { WallAlarm, WallAppDetail, WallOperation } from "@/lib/domain/wall";
import type { GreenVerdict } from "@/lib/domain/green-verdict";
import { isActiveStatus, isResumableStatus } from "@/lib/domain/operation-status";
import { lateByMs, wallFreshness, type WallFreshness } from "./wall-freshness";

export type WallStatusWord = "OK" | "SHIFTING" | "FAILING" | "STALE";

export interface WallStatus {
  word: WallStatusWord;
  /** Green judged failing or slower: shown with its figures. */
  verdict: GreenVerdict | null;
  /** Alarms to show, most severe first (a state read error is staleness, not an alarm). */
  alarms: WallAlarm[];
  /** Set when the data shown is stale: its age and, when known, why it is not newer. */
  stale: { ageMs: number | null; cause: string | null } | null;
  /** The operation in flight, if any. */
  operation: WallOperation | null;
}

export interface WallStatusInput {
  app: AppSummary;
  detail: WallAppDetail | null;
  /** The whole wall's freshness (its polls). */
  wall: WallFreshness;
  /** When the wall's polls last succeeded, now, and the poll interval: for this application's own data age. */
  lastSuccessMs: number;
  nowMs: number;
  pollMs: number;
}

function staleOf({ app, wall, lastSuccessMs, nowMs, pollMs }: WallStatusInput): WallStatus["stale"] {
  if (wall.kind === "stale") return { ageMs: wall.ageMs, cause: wall.cause };
  if (wall.kind === "unreachable") return { ageMs: wall.ageMs, cause: "The wall cannot reach Teal." };
  if (wall.kind === "unauthorized") return { ageMs: null, cause: wall.message };
  if (app.dataAgeMs === null) return { ageMs: null, cause: app.error };
  // The same rule as the wall's banner, on this application's own server-side age.
  // Judged on how late it is for its own refresh interval; the age shown is the whole age.
  const late = lateByMs(app, pollMs);
  const own = wallFreshness({ lastSuccessMs, nowMs, error: null, pollMs, dataAgeMs: late, awsError: app.error });
  return own.kind === "stale" ? { ageMs: own.ageMs + (app.dataAgeMs - late), cause: own.cause } : null;
}

/** The word, and what the tile shows under it. */
export function wallStatus(input: WallStatusInput): WallStatus {
  const { app, detail } = input;
  const verdict = app.greenVerdict?.status === "failing" || app.greenVerdict?.status === "slower" ? app.greenVerdict : null;
  // An unreadable state makes the data old, which STALE says; it is not a failure of the application.
  let alarms = (detail?.alarms ?? []).filter((a) => a.id !== "unreadable");
  if (!detail) {
    // Before the wall route has answered once: what the overview summary already knows.
    if (app.drift) alarms = [{ id: "drift", severity: "warning", text: `AWS differs from Teal's last operation: ${app.drift.text}` }];
    // Failed or interrupted: it waits for a person to resume it or roll back.
    if (isResumableStatus(app.operation?.status)) {
      alarms = [
        ...alarms,
        {
          id: `operation-${app.operation.status}`,
          severity: "warning",
          text: `${app.operation.status === "failed" ? "Last operation failed" : "Interrupted"}: ${app.operation.summary}`,
        },
      ];
    }
  }
  const operation = detail?.operation ?? null;
  const running = isActiveStatus(operation ? operation.status : app.operation?.status);
  const stale = staleOf(input);
  const word: WallStatusWord = verdict || alarms.length > 0 ? "FAILING" : stale ? "STALE" : running ? "SHIFTING" : "OK";
  return { word, verdict, alarms, stale, operation };
}
