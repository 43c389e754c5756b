/**
 * Helpers shared by the XML protocols of the practice range: a tiny XML writer, a parser for the
 * REST-XML request bodies Route 53 receives, and readers for the AWS query protocol's flattened form
 * parameters (`Instances.member.1.InstanceId`, `InstanceId.1`, `TagSpecification.1.Tag.1.Key`).
 */
import { XMLParser } from "fast-xml-parser";
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";

/** A list element: every item is wrapped in `<itemName>` (`member` for query APIs, `item` for EC2). */
export class XmlList {
  constructor(
    readonly itemName: string,
    readonly items: readonly XmlValue[],
  ) {}
}

export interface XmlFields {
  readonly [name: string]: XmlValue;
}

/** undefined and null are omitted; objects become nested elements in key order. */
export type XmlValue = string | number | boolean | null | undefined | XmlList | XmlFields;

/** Shorthand for `new XmlList(itemName, items)`. */
export function xmlList(itemName: string, items: readonly XmlValue[]): XmlList {
  return new XmlList(itemName, items);
}

const XML_SPECIAL = /[&<>"']/;
const XML_ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  // Most values (ids, states, numbers as text) need no escaping: test once instead of five replaces.
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

/**
 * Appends the content of `value` to `out`. One growing string instead of nested map/join arrays:
 * large Describe answers (hundreds of instances) were dominated by the intermediate arrays.
 */
function appendContent(out: string, value: XmlValue): string {
  if (value === null || value === undefined) return out;
  if (typeof value === "string") return out + escapeXml(value);
  if (typeof value === "number" || typeof value === "boolean") return out + String(value);
  if (value instanceof XmlList) {
    for (const item of value.items) out = appendElement(out, value.itemName, item);
    return out;
  }
  for (const name in value) out = appendElement(out, name, value[name]);
  return out;
}

function appendElement(out: string, name: string, value: XmlValue): string {
  if (value === null || value === undefined) return out;
  return appendContent(`${out}<${name}>`, value) + `</${name}>`;
}

/** Renders one element; returns "" for undefined/null so optional fields simply disappear. */
export function renderElement(name: string, value: XmlValue): string {
  return appendElement("", name, value);
}

/** A whole XML document with its root element in the service namespace. */
export function renderXmlDocument(root: string, namespace: string, fields: XmlFields): string {
  return appendContent(`<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">`, fields) + `</${root}>`;
}

export function xmlResponse(status: number, body: string, headers: Record<string, string> = {}): SimHttpResponse {
  return { status, headers: { "content-type": "text/xml", ...headers }, body };
}

/** ISO-8601 with milliseconds, as AWS XML APIs write timestamps. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

const LIST_ELEMENTS = new Set(["Change", "ResourceRecord", "NameServer"]);

const restXmlParser = new XMLParser({
  ignoreAttributes: true,
  // Record values like "007" or "1e3" must stay strings.
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

/**
 * Parses a REST-XML request body. Returns the children of the root element (the SDK sends one root,
 * e.g. `<ChangeResourceRecordSetsRequest>`), or undefined when the body is not well-formed XML.
 */
export function parseXmlBody(body: string): { root: string; value: unknown } | undefined {
  let parsed: unknown;
  try {
    parsed = restXmlParser.parse(body, true);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const root = Object.keys(parsed).find((key) => key !== "?xml");
  if (root === undefined) return undefined;
  return { root, value: parsed[root] };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The query-protocol parameters of a request: the form body merged over the URL query string. */
export function formParams(req: SimHttpRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const type = req.headers["content-type"] ?? "";
  if (req.body.length > 0 && (type === "" || type.startsWith("application/x-www-form-urlencoded"))) {
    for (const [key, value] of new URLSearchParams(req.body.toString("utf8"))) params.set(key, value);
  }
  return params;
}

/**
 * Items of a flattened query list, in index order: `prefix.1`, `prefix.2`, … (pass "X.member" for the
 * ELB style `X.member.N`). Each item is the sub-parameters below it (`prefix.N.Key` → `Key`), and the
 * item's own scalar value is under the empty key "".
 */
export function queryListItems(params: URLSearchParams, prefix: string): URLSearchParams[] {
  const byIndex = new Map<number, URLSearchParams>();
  const head = `${prefix}.`;
  for (const [key, value] of params) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf(".");
    const indexText = dot === -1 ? rest : rest.slice(0, dot);
    if (!/^[0-9]+$/.test(indexText)) continue;
    const index = Number(indexText);
    let item = byIndex.get(index);
    if (item === undefined) {
      item = new URLSearchParams();
      byIndex.set(index, item);
    }
    item.set(dot === -1 ? "" : rest.slice(dot + 1), value);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
}

/** Scalar values of a flattened list (`InstanceId.1=…`, or `AvailabilityZones.member.1=…`). */
export function queryListValues(params: URLSearchParams, prefix: string): string[] {
  return queryListItems(params, prefix)
    .map((item) => item.get(""))
    .filter((value): value is string => value !== null);
}

/** The sub-parameters of a nested structure: `prefix.Field` → `Field`. */
export function queryStruct(params: URLSearchParams, prefix: string): URLSearchParams {
  const out = new URLSearchParams();
  const head = `${prefix}.`;
  for (const [key, value] of params) if (key.startsWith(head)) out.set(key.slice(head.length), value);
  return out;
}

/** Reads an optional integer parameter; returns "invalid" when present but not an integer. */
export function queryInt(params: URLSearchParams, name: string): number | undefined | "invalid" {
  const text = params.get(name);
  if (text === null || text === "") return undefined;
  if (!/^-?[0-9]+$/.test(text)) return "invalid";
  return Number(text);
}

/** Reads an optional boolean parameter ("true"/"false"); "invalid" for anything else. */
export function queryBool(params: URLSearchParams, name: string): boolean | undefined | "invalid" {
  const text = params.get(name);
  if (text === null || text === "") return undefined;
  if (text === "true") return true;
  if (text === "false") return false;
  return "invalid";
}

/** The query-protocol error document (classic ELB, ELBv2, Auto Scaling share it). */
export function queryError(namespace: string, err: SimApiError, rid: string): SimHttpResponse {
  const body = renderXmlDocument("ErrorResponse", namespace, {
    Error: { Type: err.status >= 500 ? "Receiver" : "Sender", Code: err.code, Message: err.message },
    RequestId: rid,
  });
  return xmlResponse(err.status, body, { "x-amzn-requestid": rid });
}

/** One query-protocol service of the range: its XML namespace and a handler per `Action`. */
export interface QueryService<W> {
  readonly namespace: string;
  readonly operations: Readonly<Record<string, (world: W, params: URLSearchParams) => XmlFields>>;
  /**
   * EC2 answers `<ActionResponse>` with `requestId` and the fields at the top and its own error
   * document; the other query APIs wrap the fields in `<ActionResult>` and answer `ErrorResponse`.
   */
  readonly ec2Style?: { error: (err: SimApiError, rid: string) => SimHttpResponse };
}

/**
 * Answers one query-protocol request: the `Action` parameter picks the handler, an unknown action is
 * AWS's `InvalidAction`, and a handler's `SimApiError` becomes the service's error document.
 */
export function handleQueryAction<W>(service: QueryService<W>, world: W, req: SimHttpRequest, rid: string): SimHttpResponse {
  const params = formParams(req);
  const action = params.get("Action") ?? "";
  try {
    const handler = service.operations[action];
    if (handler === undefined) {
      throw new SimApiError("InvalidAction", `The action ${action} is not valid for this web service.`, 400);
    }
    const result = handler(world, params);
    if (service.ec2Style) return xmlResponse(200, renderXmlDocument(`${action}Response`, service.namespace, { requestId: rid, ...result }));
    const body = renderXmlDocument(`${action}Response`, service.namespace, { [`${action}Result`]: result, ResponseMetadata: { RequestId: rid } });
    return xmlResponse(200, body, { "x-amzn-requestid": rid });
  } catch (err) {
    if (!(err instanceof SimApiError)) throw err;
    return service.ec2Style ? service.ec2Style.error(err, rid) : queryError(service.namespace, err, rid);
  }
}

/** AWS's limit of tags on one resource (ELB, ELBv2, Auto Scaling: 50). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** The `Tags.member.N.Key/Value` list of a tagging request; a missing key is a ValidationError. */
export function queryTags(params: URLSearchParams, prefix = "Tags.member"): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of queryListItems(params, prefix)) {
    const key = item.get("Key") ?? "";
    if (key === "" || key.length > 128) throw new SimApiError("ValidationError", "A tag key must have 1 to 128 characters.", 400);
    const value = item.get("Value") ?? "";
    if (value.length > 256) throw new SimApiError("ValidationError", "A tag value must have at most 256 characters.", 400);
    tags[key] = value;
  }
  return tags;
}

/** Tags added to `existing` (a key given again takes the new value); TooManyTags past the limit. */
export function mergeTags(
  existing: Record<string, string> | undefined,
  added: Record<string, string>,
  tooMany = "TooManyTags",
): Record<string, string> {
  const merged = { ...(existing ?? {}), ...added };
  if (Object.keys(merged).length > MAX_TAGS_PER_RESOURCE) {
    throw new SimApiError(tooMany, `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`, 400);
  }
  return merged;
}

/** A tag list as the query APIs answer it: `<Tags><member><Key/><Value/></member>…</Tags>`. */
export function tagList(tags: Record<string, string> | undefined): XmlList {
  return xmlList(
    "member",
    Object.entries(tags ?? {}).map(([Key, Value]): XmlValue => ({ Key, Value })),
  );
}
