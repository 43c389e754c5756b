import "server-only";
import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { RecordSet } from "@/lib/domain/app-state";
import { toAppError } from "./errors";

const withDot = (name: string) => (name.endsWith(".") ? name.toLowerCase() : `${name.toLowerCase()}.`);

/** Route 53 escapes some characters in names as \ooo octal; the domain keeps them readable. */
function unescapeName(name: string): string {
  return name.replace(/\\(\d{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function mapRecordSet(r: ResourceRecordSet): RecordSet {
  return {
    name: withDot(unescapeName(r.Name ?? "")),
    type: r.Type ?? "",
    setIdentifier: r.SetIdentifier ?? null,
    weight: r.Weight ?? null,
    ttl: r.TTL ?? null,
    values: (r.ResourceRecords ?? []).map((v) => v.Value ?? ""),
    aliasTarget: r.AliasTarget
      ? {
          hostedZoneId: r.AliasTarget.HostedZoneId ?? "",
          dnsName: r.AliasTarget.DNSName ?? "",
          evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth ?? false,
        }
      : null,
    healthCheckId: r.HealthCheckId ?? null,
  };
}

/** The SDK shape of a record set, for UPSERT/DELETE inputs built by planners (as JSON). */
export function recordSetToSdkJson(r: RecordSet, weight: number) {
  return {
    Name: r.name,
    Type: r.type,
    ...(r.setIdentifier !== null ? { SetIdentifier: r.setIdentifier } : {}),
    Weight: weight,
    ...(r.aliasTarget
      ? {
          AliasTarget: {
            HostedZoneId: r.aliasTarget.hostedZoneId,
            DNSName: r.aliasTarget.dnsName,
            EvaluateTargetHealth: r.aliasTarget.evaluateTargetHealth,
          },
        }
      : { TTL: r.ttl ?? 60, ResourceRecords: r.values.map((Value) => ({ Value })) }),
    ...(r.healthCheckId ? { HealthCheckId: r.healthCheckId } : {}),
  };
}

/**
 * Zone ids by name, per client: a name means one zone only within one endpoint and account (two
 * practice ranges, or AWS and a range, give the same name different ids).
 */
const zoneIdCaches = new WeakMap<Route53Client, Map<string, string>>();

/** Accepts a hosted zone id (Z…, or /hostedzone/Z…) or a zone name, and returns the bare id. */
export async function resolveHostedZoneId(client: Route53Client, idOrName: string): Promise<string> {
  const asId = idOrName.replace(/^\/hostedzone\//, "");
  if (/^Z[A-Z0-9]{4,}$/.test(asId)) return asId;
  const wanted = withDot(idOrName);
  let zoneIdCache = zoneIdCaches.get(client);
  if (!zoneIdCache) {
    zoneIdCache = new Map();
    zoneIdCaches.set(client, zoneIdCache);
  }
  const cached = zoneIdCache.get(wanted);
  if (cached) return cached;
  let marker: string | undefined;
  try {
    do {
      const page = await client.send(new ListHostedZonesCommand({ Marker: marker }));
      for (const zone of page.HostedZones ?? []) {
        if (zone.Name && withDot(zone.Name) === wanted && zone.Id) {
          const id = zone.Id.replace(/^\/hostedzone\//, "");
          zoneIdCache.set(wanted, id);
          return id;
        }
      }
      marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker);
  } catch (err) {
    throw toAppError(err, "ListHostedZones");
  }
  throw toAppError(Object.assign(new Error(`No hosted zone named ${wanted}`), { name: "NoSuchHostedZone" }), "ListHostedZones");
}

/** All record sets of one name and type (every weighted member), following pagination. */
export async function listRecordSets(client: Route53Client, zoneId: string, name: string, type: string): Promise<RecordSet[]> {
  const wanted = withDot(name);
  const out: RecordSet[] = [];
  let startName: string | undefined = wanted;
  let startType: string | undefined = type;
  let startId: string | undefined;
  try {
    for (let page = 0; page < 20 && startName; page++) {
      const res: ListResourceRecordSetsCommandOutput = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: startName,
          StartRecordType: startType as ResourceRecordSet["Type"],
          StartRecordIdentifier: startId,
          MaxItems: 100,
        }),
      );
      let passed = false;
      for (const r of res.ResourceRecordSets ?? []) {
        const mapped = mapRecordSet(r);
        if (mapped.name === wanted && mapped.type === type) out.push(mapped);
        else if (out.length > 0 || mapped.name !== wanted) passed = true;
      }
      if (!res.IsTruncated || passed) break;
      startName = res.NextRecordName;
      startType = res.NextRecordType;
      startId = res.NextRecordIdentifier;
    }
  } catch (err) {
    throw toAppError(err, "ListResourceRecordSets");
  }
  return out;
}
