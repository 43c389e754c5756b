/** Query keys in one place so mutations can invalidate exactly what they change. */
export const queryKeys = {
  apps: () => ["apps"] as const,
  snapshotRoot: (appId: string) => ["snapshot", appId] as const,
  snapshot: (appId: string, rangeMinutes: number) => ["snapshot", appId, rangeMinutes] as const,
  plan: (appId: string, intent: string, greenPercent: number | null) => ["plan", appId, intent, greenPercent] as const,
  wall: () => ["wall"] as const,
};
