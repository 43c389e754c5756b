/**
 * Route 53 (API 2013-04-01, REST-XML) as `@aws-sdk/client-route-53` sends and parses it: hosted
 * zones, record sets with all-or-nothing change batches and exact-match DELETE, and changes that
 * stay PENDING for the configured propagation time (docs/aws-behaviour.md §1).
 */
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { changeId, hostedZoneId, requestId } from "@/range/world/ids";
import { isRecord, isoTime, parseXmlBody, renderXmlDocument, xmlList, xmlResponse, type XmlFields, type XmlValue } from "./query";
import type { SimChange, SimHostedZone, SimRecordSet } from "@/range/world/state";
import { changeStatus, drawPrng, scaled, type RangeWorld } from "@/range/world/world";

export const ROUTE53_NAMESPACE = "https://route53.amazonaws.com/doc/2013-04-01/";
const API_PREFIX = "/2013-04-01/";

/** Classic ELB canonical hosted zone ids by region (alias targets point at these). */
export const ELB_CANONICAL_ZONE_IDS: Readonly<Record<string, string>> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-1": "Z368ELLRRE2KJ0",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-central-1": "Z215JYRZR1TBD5",
};

const RECORD_TYPES = new Set([
  "A",
  "AAAA",
  "CAA",
  "CNAME",
  "DS",
  "HTTPS",
  "MX",
  "NAPTR",
  "NS",
  "PTR",
  "SOA",
  "SPF",
  "SRV",
  "SSHFP",
  "SVCB",
  "TLSA",
  "TXT",
]);
const MAX_ITEMS = 300;
const MAX_WEIGHTED_SETS = 100;
const MAX_RECORDS_PER_REQUEST = 1000;
const MAX_VALUE_CHARS_PER_REQUEST = 32_000;
const MAX_VALUE_LENGTH = 4000;

type Operation = {
  name: string;
  run: (world: RangeWorld, req: SimHttpRequest, rid: string) => SimHttpResponse;
};

/** Names the Route 53 operation a request calls (for statistics), or undefined if unknown. */
export function route53Operation(req: SimHttpRequest): string | undefined {
  return matchOperation(req)?.name;
}

/** Handles one Route 53 request; errors are rendered as the Route 53 `ErrorResponse`. */
export function handleRoute53(world: RangeWorld, req: SimHttpRequest): SimHttpResponse {
  const rid = requestId(drawPrng(world));
  try {
    const op = matchOperation(req);
    if (op === undefined) {
      throw new SimApiError("InvalidAction", `The practice range does not implement ${req.method} ${req.path}.`, 400);
    }
    return op.run(world, req, rid);
  } catch (err) {
    if (err instanceof SimApiError) return route53Error(err, rid);
    throw err;
  }
}

/** A Route 53 error response: the standard `ErrorResponse` the SDK reads the code from. */
export function route53Error(err: SimApiError, rid: string): SimHttpResponse {
  const error: XmlFields = {
    Type: err.status >= 500 ? "Receiver" : "Sender",
    Code: err.code,
    Message: err.message,
    // The older InvalidChangeBatch shape listed each message; keep the list for readers of it.
    Messages: err.messages.length > 0 ? xmlList("Message", err.messages) : undefined,
  };
  const body = renderXmlDocument("ErrorResponse", ROUTE53_NAMESPACE, { Error: error, RequestId: rid });
  return xmlResponse(err.status, body, { "x-amzn-requestid": rid });
}

function ok(root: string, fields: XmlFields, rid: string, status = 200, headers: Record<string, string> = {}): SimHttpResponse {
  return xmlResponse(status, renderXmlDocument(root, ROUTE53_NAMESPACE, fields), { "x-amzn-requestid": rid, ...headers });
}

function matchOperation(req: SimHttpRequest): Operation | undefined {
  if (!req.path.startsWith(API_PREFIX)) return undefined;
  const parts = req.path
    .slice(API_PREFIX.length)
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  const [resource, id, sub] = parts;
  const m = req.method.toUpperCase();
  if (resource === "hostedzone") {
    if (parts.length === 1 && m === "POST") return { name: "CreateHostedZone", run: createHostedZone };
    if (parts.length === 1 && m === "GET") return { name: "ListHostedZones", run: listHostedZones };
    if (parts.length === 2 && id !== undefined) {
      if (m === "GET") return { name: "GetHostedZone", run: (w, r, rid) => getHostedZone(w, id, rid) };
      if (m === "DELETE") return { name: "DeleteHostedZone", run: (w, r, rid) => deleteHostedZone(w, id, rid) };
    }
    if (parts.length === 3 && id !== undefined && sub === "rrset") {
      if (m === "POST") return { name: "ChangeResourceRecordSets", run: (w, r, rid) => changeResourceRecordSets(w, id, r, rid) };
      if (m === "GET") return { name: "ListResourceRecordSets", run: (w, r, rid) => listResourceRecordSets(w, id, r, rid) };
    }
  }
  if (resource === "change" && parts.length === 2 && id !== undefined && m === "GET") {
    return { name: "GetChange", run: (w, r, rid) => getChange(w, id, rid) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Names, ids and XML shapes

/** Lower-case, fully qualified (trailing dot) DNS name. */
export function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

function stripPrefix(id: string, prefix: string): string {
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}

function findZone(world: RangeWorld, rawId: string): SimHostedZone {
  const id = stripPrefix(rawId, "/hostedzone/");
  const zone = world.zones.get(id);
  if (zone === undefined) throw new SimApiError("NoSuchHostedZone", `No hosted zone found with ID: ${id}`, 404);
  return zone;
}

function nameServers(zone: SimHostedZone): string[] {
  // Stable per zone, in the four TLDs Route 53 spreads a delegation set over.
  let h = 0;
  for (const ch of zone.id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const n = (k: number): number => (h >>> (k * 8)) % 2048;
  return [
    `ns-${n(0)}.awsdns-${n(0) % 64}.org`,
    `ns-${n(1)}.awsdns-${n(1) % 64}.co.uk`,
    `ns-${n(2)}.awsdns-${n(2) % 64}.com`,
    `ns-${n(3)}.awsdns-${n(3) % 64}.net`,
  ];
}

function zoneXml(zone: SimHostedZone): XmlFields {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: zone.records.length,
  };
}

function delegationSetXml(zone: SimHostedZone): XmlFields {
  return { NameServers: xmlList("NameServer", nameServers(zone)) };
}

function changeInfoXml(world: RangeWorld, change: SimChange): XmlFields {
  return {
    Id: `/change/${change.id}`,
    Status: changeStatus(world, change),
    SubmittedAt: isoTime(change.submittedAtMs),
    Comment: change.comment,
  };
}

export function recordXml(record: SimRecordSet): XmlFields {
  return {
    Name: record.Name,
    Type: record.Type,
    SetIdentifier: record.SetIdentifier,
    Weight: record.Weight,
    TTL: record.TTL,
    ResourceRecords:
      record.ResourceRecords === undefined
        ? undefined
        : xmlList(
            "ResourceRecord",
            record.ResourceRecords.map((r): XmlValue => ({ Value: r.Value })),
          ),
    AliasTarget:
      record.AliasTarget === undefined
        ? undefined
        : {
            HostedZoneId: record.AliasTarget.HostedZoneId,
            DNSName: record.AliasTarget.DNSName,
            EvaluateTargetHealth: record.AliasTarget.EvaluateTargetHealth,
          },
    HealthCheckId: record.HealthCheckId,
  };
}

/** Records a new change batch: PENDING now, INSYNC after the propagation time. */
function newChange(world: RangeWorld, zoneId: string, comment: string | undefined): SimChange {
  const change: SimChange = {
    id: changeId(drawPrng(world)),
    zoneId,
    comment,
    submittedAtMs: world.nowMs,
    insyncAtMs: world.nowMs + scaled(world, world.config.route53PropagationMs),
  };
  world.changes.set(change.id, change);
  return change;
}

// ---------------------------------------------------------------------------------------------
// Request body readers

function text(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function child(obj: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = obj[key];
  return isRecord(v) ? v : undefined;
}

function requireBody(req: SimHttpRequest, root: string): Record<string, unknown> {
  const parsed = parseXmlBody(req.body.toString("utf8"));
  if (parsed === undefined || parsed.root !== root) {
    throw new SimApiError("InvalidInput", `Invalid XML: expected a ${root} document.`, 400);
  }
  // An empty root element parses as "".
  return isRecord(parsed.value) ? parsed.value : {};
}

function parseInteger(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^-?[0-9]+$/.test(value.trim())) {
    throw new SimApiError("InvalidInput", `Invalid request: ${field} must be an integer, got '${value}'.`, 400);
  }
  return Number(value.trim());
}

// ---------------------------------------------------------------------------------------------
// Hosted zones

const DOMAIN_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$/;

function createHostedZone(world: RangeWorld, req: SimHttpRequest, rid: string): SimHttpResponse {
  const body = requireBody(req, "CreateHostedZoneRequest");
  const rawName = text(body, "Name");
  const callerReference = text(body, "CallerReference");
  if (rawName === undefined || rawName === "") throw new SimApiError("InvalidInput", "Invalid request: Missing field 'Name'.", 400);
  if (callerReference === undefined || callerReference === "") {
    throw new SimApiError("InvalidInput", "Invalid request: Missing field 'CallerReference'.", 400);
  }
  const name = normalizeName(rawName);
  if (!DOMAIN_NAME.test(name) || name.length > 255) {
    throw new SimApiError("InvalidDomainName", `${rawName} is not a valid domain name.`, 400);
  }
  for (const zone of world.zones.values()) {
    if (zone.callerReference === callerReference) {
      throw new SimApiError("HostedZoneAlreadyExists", `A hosted zone has already been created with the specified caller reference.`, 409);
    }
  }
  const config = child(body, "HostedZoneConfig");
  const comment = config === undefined ? undefined : text(config, "Comment");
  const zone: SimHostedZone = {
    id: hostedZoneId(drawPrng(world)),
    name,
    callerReference,
    comment: comment === "" ? undefined : comment,
    // PrivateZone in HostedZoneConfig is ignored by AWS: a zone is private when created with a VPC.
    privateZone: child(body, "VPC") !== undefined,
    records: [],
    busyUntilMs: 0,
  };
  zone.records.push(
    { Name: name, Type: "NS", TTL: 172800, ResourceRecords: nameServers(zone).map((ns) => ({ Value: `${ns}.` })) },
    {
      Name: name,
      Type: "SOA",
      TTL: 900,
      ResourceRecords: [{ Value: `${nameServers(zone)[2] ?? "ns-1.awsdns-01.com"}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
    },
  );
  world.zones.set(zone.id, zone);
  const change = newChange(world, zone.id, undefined);
  return ok(
    "CreateHostedZoneResponse",
    { HostedZone: zoneXml(zone), ChangeInfo: changeInfoXml(world, change), DelegationSet: delegationSetXml(zone) },
    rid,
    201,
    { location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}` },
  );
}

function getHostedZone(world: RangeWorld, id: string, rid: string): SimHttpResponse {
  const zone = findZone(world, id);
  return ok("GetHostedZoneResponse", { HostedZone: zoneXml(zone), DelegationSet: delegationSetXml(zone) }, rid);
}

function listHostedZones(world: RangeWorld, req: SimHttpRequest, rid: string): SimHttpResponse {
  const marker = req.query.get("marker") ?? undefined;
  const maxItems = Math.min(100, Math.max(1, parseInteger(req.query.get("maxitems") ?? undefined, "MaxItems") ?? 100));
  const zones = [...world.zones.values()];
  let start = 0;
  if (marker !== undefined && marker !== "") {
    start = zones.findIndex((z) => z.id === stripPrefix(marker, "/hostedzone/"));
    if (start === -1) throw new SimApiError("InvalidInput", `Invalid request: marker ${marker} does not name a hosted zone.`, 400);
  }
  const page = zones.slice(start, start + maxItems);
  const next = zones[start + maxItems];
  return ok(
    "ListHostedZonesResponse",
    {
      HostedZones: xmlList("HostedZone", page.map(zoneXml)),
      Marker: marker ?? "",
      IsTruncated: next !== undefined,
      NextMarker: next?.id,
      MaxItems: maxItems,
    },
    rid,
  );
}

function isApexDefault(zone: SimHostedZone, record: SimRecordSet): boolean {
  return record.Name === zone.name && (record.Type === "NS" || record.Type === "SOA") && record.SetIdentifier === undefined;
}

function deleteHostedZone(world: RangeWorld, id: string, rid: string): SimHttpResponse {
  const zone = findZone(world, id);
  if (zone.records.some((r) => !isApexDefault(zone, r))) {
    throw new SimApiError(
      "HostedZoneNotEmpty",
      "The specified hosted zone contains non-required resource record sets and so cannot be deleted.",
      400,
    );
  }
  world.zones.delete(zone.id);
  const change = newChange(world, zone.id, undefined);
  return ok("DeleteHostedZoneResponse", { ChangeInfo: changeInfoXml(world, change) }, rid);
}

// ---------------------------------------------------------------------------------------------
// Record sets: listing

function reversedLabels(name: string): string[] {
  return name
    .split(".")
    .filter((l) => l !== "")
    .reverse();
}

function compareNames(a: string, b: string): number {
  const la = reversedLabels(a);
  const lb = reversedLabels(b);
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const x = la[i] ?? "";
    const y = lb[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return la.length - lb.length;
}

/** Route 53's listing order: name with labels reversed, then type, then set identifier. */
export function compareRecords(
  a: { Name: string; Type: string; SetIdentifier?: string },
  b: { Name: string; Type: string; SetIdentifier?: string },
): number {
  const byName = compareNames(a.Name, b.Name);
  if (byName !== 0) return byName;
  if (a.Type !== b.Type) return a.Type < b.Type ? -1 : 1;
  const sa = a.SetIdentifier ?? "";
  const sb = b.SetIdentifier ?? "";
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

function listResourceRecordSets(world: RangeWorld, id: string, req: SimHttpRequest, rid: string): SimHttpResponse {
  const zone = findZone(world, id);
  const startName = req.query.get("name") ?? undefined;
  const startType = req.query.get("type") ?? undefined;
  const startIdentifier = req.query.get("identifier") ?? undefined;
  if (startType !== undefined && startName === undefined) {
    throw new SimApiError("InvalidInput", "The input is not valid: StartRecordType requires StartRecordName.", 400);
  }
  if (startIdentifier !== undefined && startType === undefined) {
    throw new SimApiError("InvalidInput", "The input is not valid: StartRecordIdentifier requires StartRecordType.", 400);
  }
  if (startType !== undefined && !RECORD_TYPES.has(startType)) {
    throw new SimApiError("InvalidInput", `Invalid type for resource record set: ${startType}`, 400);
  }
  const requested = parseInteger(req.query.get("maxitems") ?? undefined, "MaxItems") ?? MAX_ITEMS;
  if (requested < 1) throw new SimApiError("InvalidInput", "MaxItems must be at least 1.", 400);
  const maxItems = Math.min(MAX_ITEMS, requested);
  const sorted = [...zone.records].sort(compareRecords);
  let start = 0;
  if (startName !== undefined) {
    const from = { Name: normalizeName(startName), Type: startType ?? "", SetIdentifier: startIdentifier };
    start = sorted.findIndex((r) => compareRecords(r, from) >= 0);
    if (start === -1) start = sorted.length;
  }
  const page = sorted.slice(start, start + maxItems);
  const next = sorted[start + maxItems];
  return ok(
    "ListResourceRecordSetsResponse",
    {
      ResourceRecordSets: xmlList("ResourceRecordSet", page.map(recordXml)),
      IsTruncated: next !== undefined,
      NextRecordName: next?.Name,
      NextRecordType: next?.Type,
      NextRecordIdentifier: next?.SetIdentifier,
      MaxItems: maxItems,
    },
    rid,
  );
}

// ---------------------------------------------------------------------------------------------
// Record sets: changes

type Action = "CREATE" | "DELETE" | "UPSERT";
interface ParsedChange {
  action: Action;
  record: SimRecordSet;
}

function parseRecordSet(obj: Record<string, unknown>, action: Action): SimRecordSet {
  const rawName = text(obj, "Name");
  const type = text(obj, "Type");
  if (rawName === undefined || rawName === "") throw new SimApiError("InvalidInput", "Invalid request: Missing field 'Name'.", 400);
  if (type === undefined || type === "") throw new SimApiError("InvalidInput", "Invalid request: Missing field 'Type'.", 400);
  if (!RECORD_TYPES.has(type)) {
    throw new SimApiError("InvalidInput", `Invalid request: Expected a supported record type, got '${type}'.`, 400);
  }
  const name = normalizeName(rawName);
  const setIdentifier = text(obj, "SetIdentifier");
  const weight = parseInteger(text(obj, "Weight"), "Weight");
  const ttl = parseInteger(text(obj, "TTL"), "TTL");
  const healthCheckId = text(obj, "HealthCheckId");
  const describe = `[Action=${action}, Name=${name}, Type=${type}, SetIdentifier=${setIdentifier ?? "null"}]`;

  let resourceRecords: { Value: string }[] | undefined;
  const rrs = obj.ResourceRecords;
  if (rrs !== undefined) {
    const list = isRecord(rrs) && Array.isArray(rrs.ResourceRecord) ? rrs.ResourceRecord : [];
    resourceRecords = list.map((item: unknown) => {
      const value = isRecord(item) ? text(item, "Value") : undefined;
      if (value === undefined) throw new SimApiError("InvalidInput", `Invalid request: Missing field 'Value' in ${describe}.`, 400);
      return { Value: value };
    });
  }

  let aliasTarget: SimRecordSet["AliasTarget"];
  const alias = child(obj, "AliasTarget");
  if (alias !== undefined) {
    const zoneId = text(alias, "HostedZoneId");
    const dnsName = text(alias, "DNSName");
    const evaluate = text(alias, "EvaluateTargetHealth");
    if (zoneId === undefined || dnsName === undefined || evaluate === undefined) {
      throw new SimApiError("InvalidInput", `Invalid request: AliasTarget needs HostedZoneId, DNSName and EvaluateTargetHealth in ${describe}.`, 400);
    }
    aliasTarget = { HostedZoneId: stripPrefix(zoneId, "/hostedzone/"), DNSName: normalizeName(dnsName), EvaluateTargetHealth: evaluate === "true" };
  }

  if (weight !== undefined && (setIdentifier === undefined || setIdentifier === "")) {
    throw new SimApiError("InvalidInput", `Invalid request: Missing field 'SetIdentifier' in Change with ${describe}.`, 400);
  }
  if (setIdentifier !== undefined && weight === undefined) {
    throw new SimApiError("InvalidInput", `Invalid request: Missing field 'Weight' in Change with ${describe}.`, 400);
  }
  if (aliasTarget === undefined) {
    if (ttl === undefined) throw new SimApiError("InvalidInput", `Invalid request: Missing field 'TTL' in Change with ${describe}.`, 400);
    if (resourceRecords === undefined || resourceRecords.length === 0) {
      throw new SimApiError("InvalidInput", `Invalid request: Missing field 'ResourceRecords' in Change with ${describe}.`, 400);
    }
  }

  const record: SimRecordSet = { Name: name, Type: type };
  if (setIdentifier !== undefined) record.SetIdentifier = setIdentifier;
  if (weight !== undefined) record.Weight = weight;
  if (ttl !== undefined) record.TTL = ttl;
  if (resourceRecords !== undefined) record.ResourceRecords = resourceRecords;
  if (aliasTarget !== undefined) record.AliasTarget = aliasTarget;
  if (healthCheckId !== undefined && healthCheckId !== "") record.HealthCheckId = healthCheckId;
  return record;
}

function parseChangeBatch(req: SimHttpRequest): { comment?: string; changes: ParsedChange[] } {
  const body = requireBody(req, "ChangeResourceRecordSetsRequest");
  const batch = child(body, "ChangeBatch");
  if (batch === undefined) throw new SimApiError("InvalidInput", "Invalid request: Missing field 'ChangeBatch'.", 400);
  const changesNode = child(batch, "Changes");
  const list: unknown[] = changesNode !== undefined && Array.isArray(changesNode.Change) ? changesNode.Change : [];
  if (list.length === 0) throw new SimApiError("InvalidInput", "Invalid request: ChangeBatch must contain at least one Change.", 400);
  const changes = list.map((item): ParsedChange => {
    if (!isRecord(item)) throw new SimApiError("InvalidInput", "Invalid request: malformed Change.", 400);
    const action = text(item, "Action");
    if (action !== "CREATE" && action !== "DELETE" && action !== "UPSERT") {
      throw new SimApiError("InvalidInput", `Invalid request: Action must be CREATE, DELETE or UPSERT, got '${action ?? ""}'.`, 400);
    }
    const rrs = child(item, "ResourceRecordSet");
    if (rrs === undefined) throw new SimApiError("InvalidInput", "Invalid request: Missing field 'ResourceRecordSet'.", 400);
    return { action, record: parseRecordSet(rrs, action) };
  });
  const comment = text(batch, "Comment");
  return { comment: comment === "" ? undefined : comment, changes };
}

function label(record: SimRecordSet): string {
  const sid = record.SetIdentifier === undefined ? "" : `, set-identifier='${record.SetIdentifier}'`;
  return `[name='${record.Name}', type='${record.Type}'${sid}]`;
}

function sameKey(a: SimRecordSet, b: SimRecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && (a.SetIdentifier ?? "") === (b.SetIdentifier ?? "");
}

function sortedValues(record: SimRecordSet): string[] {
  return (record.ResourceRecords ?? []).map((r) => r.Value).sort();
}

/** Exact match for DELETE: every field, values in any order (docs/aws-behaviour.md §1.2). */
export function recordsMatch(a: SimRecordSet, b: SimRecordSet): boolean {
  if (!sameKey(a, b) || a.TTL !== b.TTL || a.Weight !== b.Weight || a.HealthCheckId !== b.HealthCheckId) return false;
  const aa = a.AliasTarget;
  const ba = b.AliasTarget;
  if ((aa === undefined) !== (ba === undefined)) return false;
  if (aa !== undefined && ba !== undefined) {
    if (aa.HostedZoneId !== ba.HostedZoneId || aa.DNSName !== ba.DNSName || aa.EvaluateTargetHealth !== ba.EvaluateTargetHealth) {
      return false;
    }
  }
  const av = sortedValues(a);
  const bv = sortedValues(b);
  return av.length === bv.length && av.every((v, i) => v === bv[i]);
}

/** Checks of one record on its own (before it is applied). Returns an InvalidChangeBatch message. */
function recordProblem(world: RangeWorld, zone: SimHostedZone, change: ParsedChange): string | undefined {
  const r = change.record;
  if (r.Name !== zone.name && !r.Name.endsWith(`.${zone.name}`)) {
    return `RRSet with DNS name ${r.Name} is not permitted in zone ${zone.name}`;
  }
  if (change.action === "DELETE") return undefined;
  if (r.Weight !== undefined && (r.Weight < 0 || r.Weight > 255)) {
    return `Invalid weight ${r.Weight} for RRSet ${label(r)}: a weight must be between 0 and 255.`;
  }
  if (r.TTL !== undefined && (r.TTL < 0 || r.TTL > 2147483647)) {
    return `Invalid TTL ${r.TTL} for RRSet ${label(r)}: a TTL must be between 0 and 2147483647.`;
  }
  if (r.AliasTarget !== undefined) {
    if (r.TTL !== undefined) return `RRSet ${label(r)} is an alias: alias resource record sets must not specify a TTL.`;
    if (r.ResourceRecords !== undefined) return `RRSet ${label(r)} is an alias: alias resource record sets must not have ResourceRecords.`;
    const targetProblem = aliasTargetProblem(world, r);
    if (targetProblem !== undefined) return targetProblem;
  }
  const values = r.ResourceRecords ?? [];
  if (values.some((v) => v.Value.length > MAX_VALUE_LENGTH)) return `A value of RRSet ${label(r)} is longer than ${MAX_VALUE_LENGTH} characters.`;
  if (r.Weight !== undefined && values.length > 1) {
    return `RRSet ${label(r)} is weighted: a weighted resource record set can contain only one resource record.`;
  }
  if (r.Type === "CNAME") {
    if (r.Name === zone.name) return `RRSet of type CNAME with DNS name ${r.Name} is not permitted at apex in zone ${zone.name}`;
    if (values.length > 1) return `RRSet of type CNAME with DNS name ${r.Name} is not permitted because it contains more than one resource record`;
  }
  return undefined;
}

function aliasTargetProblem(world: RangeWorld, r: SimRecordSet): string | undefined {
  const target = r.AliasTarget;
  if (target === undefined) return undefined;
  const elbZone = ELB_CANONICAL_ZONE_IDS[world.config.region];
  if (target.HostedZoneId === elbZone) {
    const bare = target.DNSName.replace(/^dualstack\./, "");
    // Classic load balancers and ALBs share the region's ELB hosted zone.
    const found = [...world.loadBalancers.values(), ...(world.albs?.values() ?? [])].some((lb) => normalizeName(lb.dnsName) === bare);
    if (!found)
      return `Tried to create an alias that targets ${target.DNSName}, type ${r.Type} in zone ${target.HostedZoneId}, but the alias target name does not lie within the target zone`;
    return undefined;
  }
  const targetZone = world.zones.get(target.HostedZoneId);
  if (targetZone !== undefined && !targetZone.records.some((x) => x.Name === target.DNSName && x.Type === r.Type)) {
    return `Tried to create an alias that targets ${target.DNSName}, type ${r.Type} in zone ${target.HostedZoneId}, but that target was not found`;
  }
  return undefined;
}

/** Conflicts of a record about to be written with the other records of the working copy. */
function conflictProblem(zone: SimHostedZone, records: SimRecordSet[], r: SimRecordSet): string | undefined {
  for (const other of records) {
    if (other.Name !== r.Name || sameKey(other, r)) continue;
    if (other.Type !== r.Type && (other.Type === "CNAME" || r.Type === "CNAME")) {
      // DNS forbids a CNAME next to any other type at the same name (NS/SOA at the apex included).
      return `RRSet of type ${r.Type} with DNS name ${r.Name} is not permitted because a conflicting RRSet of type ${other.Type} with the same DNS name already exists in zone ${zone.name}`;
    }
    if (other.Type === r.Type && (other.SetIdentifier === undefined) !== (r.SetIdentifier === undefined)) {
      const kind = other.SetIdentifier === undefined ? "non-weighted" : "weighted";
      const sid = r.SetIdentifier === undefined ? "" : `, SetIdentifier ${r.SetIdentifier}`;
      return `RRSet with DNS name ${r.Name}, type ${r.Type}${sid} cannot be created because a ${kind} set exists with the same name and type.`;
    }
  }
  return undefined;
}

/** Rules over whole weighted groups, checked on the final state of the batch. */
function groupProblems(records: SimRecordSet[]): string[] {
  const groups = new Map<string, SimRecordSet[]>();
  for (const r of records) {
    if (r.Weight === undefined) continue;
    const key = `${r.Name} ${r.Type}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const problems: string[] = [];
  for (const members of groups.values()) {
    const first = members[0];
    if (first === undefined) continue;
    if (members.length > MAX_WEIGHTED_SETS) {
      problems.push(`Too many weighted RRSets with DNS name ${first.Name}, type ${first.Type}: at most ${MAX_WEIGHTED_SETS} are allowed.`);
    }
    const ttls = new Set(members.filter((m) => m.AliasTarget === undefined).map((m) => m.TTL));
    if (ttls.size > 1) {
      problems.push(
        `RRSets with DNS name ${first.Name}, type ${first.Type} have different TTLs (${[...ttls].join(", ")}): all weighted RRSets with the same name and type must have the same TTL.`,
      );
    }
  }
  return problems;
}

/**
 * Validates the batch and applies it change by change to a working copy of the zone's records;
 * commits only if every change succeeds (all or nothing), reporting every problem found.
 */
export function applyChangeBatch(world: RangeWorld, zone: SimHostedZone, changes: ParsedChange[]): SimRecordSet[] {
  const problems: string[] = [];
  let records = zone.records.map((r) => structuredClone(r));
  const totalRecords = changes.reduce((n, c) => n + (c.record.ResourceRecords?.length ?? 0), 0);
  const totalChars = changes.reduce((n, c) => n + (c.record.ResourceRecords ?? []).reduce((m, v) => m + v.Value.length, 0), 0);
  if (totalRecords > MAX_RECORDS_PER_REQUEST)
    problems.push(`Number of records in the request (${totalRecords}) exceeds the limit of ${MAX_RECORDS_PER_REQUEST}.`);
  if (totalChars > MAX_VALUE_CHARS_PER_REQUEST)
    problems.push(`Number of characters in the request values (${totalChars}) exceeds the limit of ${MAX_VALUE_CHARS_PER_REQUEST}.`);

  for (const change of changes) {
    const r = change.record;
    const own = recordProblem(world, zone, change);
    if (own !== undefined) {
      problems.push(own);
      continue;
    }
    const index = records.findIndex((x) => sameKey(x, r));
    if (change.action === "DELETE") {
      const current = records[index];
      if (current === undefined) {
        problems.push(`Tried to delete resource record set ${label(r)} but it was not found`);
      } else if (!recordsMatch(current, r)) {
        problems.push(`Tried to delete resource record set ${label(r)} but the values provided do not match the current values`);
      } else if (isApexDefault(zone, current)) {
        problems.push(
          current.Type === "SOA"
            ? "A HostedZone must contain exactly one SOA record."
            : "A HostedZone must contain at least one NS record for the zone itself.",
        );
      } else {
        records = records.filter((_, i) => i !== index);
      }
      continue;
    }
    if (change.action === "CREATE" && index !== -1) {
      problems.push(`Tried to create resource record set ${label(r)} but it already exists`);
      continue;
    }
    const conflict = conflictProblem(zone, records, r);
    if (conflict !== undefined) {
      problems.push(conflict);
      continue;
    }
    if (index === -1) records.push(r);
    else records[index] = r;
  }
  if (problems.length === 0) problems.push(...groupProblems(records));
  if (problems.length > 0) {
    throw new SimApiError("InvalidChangeBatch", `[${problems.join(", ")}]`, 400, problems);
  }
  return records;
}

function changeResourceRecordSets(world: RangeWorld, id: string, req: SimHttpRequest, rid: string): SimHttpResponse {
  const zone = findZone(world, id);
  if (world.nowMs < zone.busyUntilMs) {
    throw new SimApiError("PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.", 400);
  }
  const batch = parseChangeBatch(req);
  zone.records = applyChangeBatch(world, zone, batch.changes);
  zone.busyUntilMs = world.nowMs + scaled(world, world.config.route53ProcessingMs);
  const change = newChange(world, zone.id, batch.comment);
  return ok("ChangeResourceRecordSetsResponse", { ChangeInfo: changeInfoXml(world, change) }, rid);
}

function getChange(world: RangeWorld, rawId: string, rid: string): SimHttpResponse {
  const id = stripPrefix(rawId, "/change/");
  const change = world.changes.get(id);
  if (change === undefined) throw new SimApiError("NoSuchChange", `A change with the specified change ID does not exist: ${id}`, 404);
  return ok("GetChangeResponse", { ChangeInfo: changeInfoXml(world, change) }, rid);
}
