import type { HealthState } from "@/lib/domain/app-state";
import type { StatusLook } from "@/components/operation/operation-status";

const HEALTH: Record<HealthState, StatusLook> = {
  healthy: { label: "Healthy", tone: "success", icon: "✓" },
  unhealthy: { label: "Unhealthy", tone: "danger", icon: "✕" },
  draining: { label: "Draining", tone: "warning", icon: "↓" },
  unknown: { label: "Unknown", tone: "neutral", icon: "?" },
};

/** Instance health as label, tone and glyph; unknown strings fall back to "Unknown". */
export function healthLook(health: string): StatusLook {
  return (HEALTH as Record<string, StatusLook | undefined>)[health] ?? HEALTH.unknown;
}

/**
 * Overall health of an environment from its counts. `keptWarm`: instances that run without serving
 * (a detached group, Standby); an environment with no serving instance but these is kept warm, not empty.
 */
export function environmentHealth(healthy: number, unhealthy: number, keptWarm = 0): StatusLook {
  if (healthy === 0 && unhealthy === 0 && keptWarm > 0) return { label: "Kept warm", tone: "info", icon: "◐" };
  if (healthy === 0 && unhealthy === 0) return { label: "No instances", tone: "neutral", icon: "–" };
  if (healthy === 0) return { label: "Down", tone: "danger", icon: "✕" };
  if (unhealthy > 0) return { label: "Degraded", tone: "warning", icon: "!" };
  return { label: "Healthy", tone: "success", icon: "✓" };
}
