import "server-only";
import { createHash } from "node:crypto";
import type { AppState, DnsRecordView, EnvironmentState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import { describeInstanceVersions } from "@/lib/aws/ec2";
import { describeClassicLoadBalancer, describeInstanceHealth } from "@/lib/aws/elb";
import { getChangeStatus } from "@/lib/aws/route53-change";
import { listRecordSets, resolveHostedZoneId } from "@/lib/aws/route53";
import type { DnsWeightedAppConfig } from "@/lib/config/schema";
import { CLASSIC_ELB_CATALOG, classicElbQueries, queryId } from "@/lib/metrics/catalog";
import { dnsReactionSeconds, greenShareOf } from "./dns-weighted";
import type { PatternObserver } from "./observer";

/** A version label for a colour: the versions its instances run, most common first. */
function versionLabel(ids: string[], versions: Map<string, string>): string {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const v = versions.get(id);
    if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return sorted.length ? sorted.map(([v]) => v).join(" + ") : "unknown";
}

/** Optimistic-concurrency version: changes exactly when the traffic configuration changes. */
export function stateVersion(records: DnsRecordView[]): string {
  const key = records
    .map((r) => `${r.color}:${r.setIdentifier}:${r.weight}:${r.ttl ?? ""}:${r.target}`)
    .sort()
    .join("|");
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/**
 * Reads one dns-weighted application: both weighted records, both load balancers with their
 * instances' health and versions, and the status of Teal's last Route 53 change (if any).
 */
export async function observeDnsWeighted(
  clients: AwsClients,
  app: DnsWeightedAppConfig,
  opts: { lastChangeId?: string | null; now?: Date } = {},
): Promise<AppState> {
  const zoneId = await resolveHostedZoneId(clients.route53, app.dns.hostedZone);
  const colors: Color[] = ["blue", "green"];
  const [records, lbs, health] = await Promise.all([
    listRecordSets(clients.route53, zoneId, app.dns.recordName, app.dns.recordType),
    Promise.all(colors.map((c) => describeClassicLoadBalancer(clients.elb, app[c].loadBalancer))),
    Promise.all(colors.map((c) => describeInstanceHealth(clients.elb, app[c].loadBalancer))),
  ]);
  const allIds = health.flatMap((h) => h.map((i) => i.id));
  const [versions, changeStatus] = await Promise.all([
    describeInstanceVersions(clients.ec2, allIds),
    opts.lastChangeId ? getChangeStatus(clients.route53, opts.lastChangeId) : Promise.resolve(null),
  ]);

  const views: DnsRecordView[] = [];
  for (const color of colors) {
    const rec = records.find((r) => r.setIdentifier === app[color].setIdentifier);
    if (!rec) continue;
    views.push({
      color,
      name: rec.name,
      type: rec.type,
      setIdentifier: rec.setIdentifier ?? "",
      weight: rec.weight ?? 0,
      ttl: rec.ttl,
      target: rec.aliasTarget?.dnsName ?? rec.values.join(", "),
      record: rec,
    });
  }
  const blueWeight = views.find((v) => v.color === "blue")?.weight ?? 0;
  const greenWeight = views.find((v) => v.color === "green")?.weight ?? 0;

  const environments = {} as Record<Color, EnvironmentState>;
  colors.forEach((color, i) => {
    const instances = health[i] ?? [];
    const lb = lbs[i];
    environments[color] = {
      color,
      version: versionLabel(
        instances.map((x) => x.id),
        versions,
      ),
      loadBalancer: { kind: "classic", name: app[color].loadBalancer, dnsName: lb?.dnsName },
      healthy: instances.filter((x) => x.health === "healthy").length,
      unhealthy: instances.filter((x) => x.health === "unhealthy").length,
      instances,
    };
  });

  const ttl = views[0]?.ttl ?? null;
  return {
    appId: app.id,
    pattern: "dns-weighted",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments,
    configured: { greenPercent: Math.round(greenShareOf(blueWeight, greenWeight) * 100) / 100 },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    dns: {
      hostedZoneId: zoneId,
      records: views,
      changeStatus,
      reactionSeconds: dnsReactionSeconds(ttl),
    },
    granularityPercent: 1,
    version: stateVersion(views),
  };
}

export const dnsWeightedObserver: PatternObserver<DnsWeightedAppConfig> = {
  observe: (clients, app, opts) => observeDnsWeighted(clients, app, opts),
  metrics: (app, _state, periodS) => ({
    queries: classicElbQueries({ blue: app.blue.loadBalancer, green: app.green.loadBalancer }, periodS),
    series: (["blue", "green"] as const).flatMap((color) =>
      CLASSIC_ELB_CATALOG.map((e) => ({ id: queryId(color, e.key), metric: e.metric, stat: e.stat, color, unit: e.unit })),
    ),
    requests: { blue: queryId("blue", "requests"), green: queryId("green", "requests") },
  }),
};
