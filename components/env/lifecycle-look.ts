import type { StatusLook } from "@/components/operation/operation-status";

const LIFECYCLE: Record<string, StatusLook> = {
  InService: { label: "In service", tone: "success", icon: "▶" },
  Standby: { label: "Standby", tone: "warning", icon: "‖" },
  Pending: { label: "Pending", tone: "info", icon: "◔" },
  "Pending:Wait": { label: "Pending (hook)", tone: "info", icon: "◔" },
  "Pending:Proceed": { label: "Pending", tone: "info", icon: "◔" },
  EnteringStandby: { label: "Entering standby", tone: "warning", icon: "‖" },
  Terminating: { label: "Terminating", tone: "danger", icon: "■" },
  "Terminating:Wait": { label: "Terminating (hook)", tone: "danger", icon: "■" },
  Terminated: { label: "Terminated", tone: "neutral", icon: "■" },
  Detaching: { label: "Detaching", tone: "warning", icon: "↓" },
  Detached: { label: "Detached", tone: "neutral", icon: "↓" },
  // ECS task lastStatus values (tasks carry them where instances carry a lifecycle).
  PROVISIONING: { label: "Provisioning", tone: "info", icon: "◔" },
  PENDING: { label: "Pending", tone: "info", icon: "◔" },
  ACTIVATING: { label: "Activating", tone: "info", icon: "◔" },
  RUNNING: { label: "Running", tone: "success", icon: "▶" },
  DEACTIVATING: { label: "Deactivating", tone: "warning", icon: "↓" },
  STOPPING: { label: "Stopping", tone: "warning", icon: "↓" },
  DEPROVISIONING: { label: "Deprovisioning", tone: "warning", icon: "↓" },
  STOPPED: { label: "Stopped", tone: "neutral", icon: "■" },
};

/**
 * An Auto Scaling lifecycle state as label, tone and glyph (Standby is a pause sign, never colour
 * alone); a state not listed here shows AWS's own word.
 */
export function lifecycleLook(lifecycle: string): StatusLook {
  return LIFECYCLE[lifecycle] ?? { label: lifecycle, tone: "neutral", icon: "?" };
}

/** Whether an instance can be put into Standby now (InService) or brought back (Standby). */
export function standbyMove(lifecycle: string | undefined): "enter" | "exit" | null {
  if (lifecycle === "InService") return "enter";
  if (lifecycle === "Standby") return "exit";
  return null;
}
