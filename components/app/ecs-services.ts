import type { AppState, EcsServiceView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";

/**
 * The ECS services to show, once each: one per colour for the swap patterns, one (colour null)
 * when both colours are the same service (a rolling update shows old and new tasks of one service).
 */
export function ecsServicesOf(state: AppState): { color: Color | null; service: EcsServiceView }[] {
  const blue = state.environments.blue.ecs;
  const green = state.environments.green.ecs;
  if (blue && green && blue.cluster === green.cluster && blue.service === green.service) return [{ color: null, service: green }];
  const out: { color: Color | null; service: EcsServiceView }[] = [];
  if (blue) out.push({ color: "blue", service: blue });
  if (green) out.push({ color: "green", service: green });
  return out;
}
