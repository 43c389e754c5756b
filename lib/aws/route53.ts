import "server-only";
import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { RecordSet } from "@/lib/domain/app-state";
import { batcherOf, sharedFailure, type Settled } from "./batched-reads";
import { toAppError } from "./errors";
import { isAppError } from "@/lib/domain/app-error";

/** Record sets per ListResourceRecordSets page: 300 at most (docs/aws-behaviour.md §8.4). */
export const RECORDS_PER_PAGE = 300;

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

/**
 * All record sets of one name and type (every weighted member), following pagination. Through a
 * client with a batcher (the page reads), the asks of one window for one hosted zone share one
 * listing of the zone (see `listShared`).
 */
export async function listRecordSets(client: Route53Client, zoneId: string, name: string, type: string): Promise<RecordSet[]> {
  const batcher = batcherOf(client);
  try {
    if (!batcher) return await listOne(client, zoneId, name, type);
    return await batcher.batch<RecordAsk, RecordSet[]>(`route53:ListResourceRecordSets:${zoneId}`, { name: withDot(name), type }, (asks) =>
      listShared(client, zoneId, asks),
    );
  } catch (err) {
    // The zone was deleted (and perhaps created again under a new id): the next read looks its
    // name up again instead of asking for the old id until the server restarts.
    if (isAppError(err) && err.awsName === "NoSuchHostedZone") forgetZoneId(client, zoneId);
    throw err;
  }
}

/** Drops every name that resolved to `zoneId` from the client's cache. */
function forgetZoneId(client: Route53Client, zoneId: string): void {
  const cache = zoneIdCaches.get(client);
  if (!cache) return;
  for (const [name, id] of cache) if (id === zoneId) cache.delete(name);
}

interface RecordAsk {
  name: string;
  type: string;
}

/** Pages a whole listing of each zone took last time (per client), so a big zone is not listed for a few asks. */
const zonePages = new WeakMap<Route53Client, Map<string, number>>();

/**
 * The asks of one window for one zone. One distinct name and type: the one call it makes alone. More:
 * one listing of the whole zone from its start, of at most as many pages as there are distinct asks
 * (so it never costs more calls than the asks alone would), and each ask takes its records from it.
 * A zone that needs more pages than that (known from an earlier listing, or found on the way) is not
 * listed whole: each ask makes its own call.
 */
async function listShared(client: Route53Client, zoneId: string, asks: RecordAsk[]): Promise<Settled<RecordSet[]>[]> {
  const keyOf = (a: RecordAsk) => `${a.name} ${a.type}`;
  const distinct = [...new Map(asks.map((a) => [keyOf(a), a])).values()];
  let known = zonePages.get(client);
  if (!known) {
    known = new Map();
    zonePages.set(client, known);
  }
  const alone = async (): Promise<Settled<RecordSet[]>[]> => {
    const byKey = new Map(
      await Promise.all(
        distinct.map(async (a): Promise<[string, Settled<RecordSet[]>]> => {
          try {
            return [keyOf(a), { ok: true, value: await listOne(client, zoneId, a.name, a.type) }];
          } catch (error) {
            return [keyOf(a), { ok: false, error }];
          }
        }),
      ),
    );
    return asks.map((a) => copyOf(byKey.get(keyOf(a))));
  };
  const maxPages = distinct.length;
  if (maxPages < 2 || (known.get(zoneId) ?? 1) > maxPages) return alone();
  const all: RecordSet[] = [];
  let complete = false;
  try {
    let next: { name?: string; type?: string; id?: string } = {};
    for (let page = 1; page <= maxPages; page++) {
      const res: ListResourceRecordSetsCommandOutput = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: next.name,
          StartRecordType: next.type as ResourceRecordSet["Type"],
          StartRecordIdentifier: next.id,
          MaxItems: RECORDS_PER_PAGE,
        }),
      );
      all.push(...(res.ResourceRecordSets ?? []).map(mapRecordSet));
      if (!res.IsTruncated) {
        complete = true;
        known.set(zoneId, page);
        break;
      }
      next = { name: res.NextRecordName, type: res.NextRecordType, id: res.NextRecordIdentifier };
    }
  } catch (err) {
    if (sharedFailure(err)) {
      const error = toAppError(err, "ListResourceRecordSets");
      return asks.map(() => ({ ok: false, error }));
    }
    return alone();
  }
  if (!complete) {
    known.set(zoneId, maxPages + 1);
    return alone();
  }
  return asks.map((a) => ({ ok: true, value: all.filter((r) => r.name === a.name && r.type === a.type).map((r) => structuredClone(r)) }));
}

function copyOf(r: Settled<RecordSet[]> | undefined): Settled<RecordSet[]> {
  if (!r) return { ok: false, error: new Error("No answer for a record set.") };
  return r.ok ? { ok: true, value: r.value.map((x) => structuredClone(x)) } : r;
}

async function listOne(client: Route53Client, zoneId: string, name: string, type: string): Promise<RecordSet[]> {
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
