/**
 * What lib/aws reads of ECS tasks and ELBv2 target health, in Teal's terms: the adapter's output,
 * used by the ECS patterns above it. No SDK types here, so pure code and tests may import it.
 */
import type { HealthState } from "@/lib/domain/app-state";

/** One ECS task as lib/aws reads it (DescribeTasks), in Teal's terms. */
export interface EcsTaskInfo {
  arn: string;
  /** The last part of the task ARN. */
  id: string;
  /** family:revision */
  taskDefinition: string;
  lastStatus: string;
  desiredStatus: string;
  /** The task's private IPv4 address (its target id in an `ip` target group), if it has one yet. */
  ip: string | null;
  availabilityZone: string | null;
  /** ECS's own container health: HEALTHY | UNHEALTHY | UNKNOWN. */
  healthStatus: string;
  startedAt: string | null;
}

/** A target group member's health, keyed by target id (an IP for ECS awsvpc tasks). */
export interface TargetHealthInfo {
  id: string;
  port: number | null;
  health: HealthState;
  /** ELBv2's state: initial | healthy | unhealthy | unused | draining | unavailable. */
  state: string;
  description?: string;
}

/**
 * The version a container image runs: the TEAL_VERSION environment variable when the container
 * sets it, else the image tag (`repo/name:v42` → v42), else the task definition itself.
 */
export function imageVersion(image: string | null, env: Readonly<Record<string, string>>, taskDefinition: string): string {
  const fromEnv = env.TEAL_VERSION;
  if (fromEnv) return fromEnv;
  if (image) {
    const lastSlash = image.lastIndexOf("/");
    const colon = image.indexOf(":", lastSlash + 1);
    const at = image.indexOf("@", lastSlash + 1);
    if (colon >= 0) return image.slice(colon + 1, at > colon ? at : undefined);
  }
  return taskDefinition;
}
