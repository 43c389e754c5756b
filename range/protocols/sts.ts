/**
 * AWS STS (API 2011-06-15, query protocol): `AssumeRole` and `GetCallerIdentity`, so an application
 * configured with a role in another account is observed and changed with the credentials the range
 * handed out (docs/aws-behaviour.md §15.1). Sessions are kept by access key id; the server refuses a
 * request signed with one that expired (`ExpiredToken`).
 */
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { formParams, isoTime, queryError, queryInt, renderXmlDocument, xmlResponse, type XmlFields } from "./query";
import type { SimStsSession, SimWorld } from "@/range/world/state";
import type { Prng } from "@/range/world/prng";

export const STS_VERSION = "2011-06-15";
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** The IAM role ARN shape AssumeRole accepts (the partitions Teal knows). */
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,./@:-]{2,1224}$/;
/** A role's maximum session duration unless it says more (one hour). */
const DEFAULT_MAX_SESSION_SECONDS = 3_600;
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function pick(prng: Prng, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[prng.int(alphabet.length)];
  return out;
}

function validation(message: string): SimApiError {
  return new SimApiError("ValidationError", message, 400);
}

function sessionsOf(world: SimWorld): Map<string, SimStsSession> {
  return (world.stsSessions ??= new Map());
}

/** The access key id a request is signed with (SigV4 `Credential=AKID/…`), or "" when unsigned. */
export function accessKeyOf(req: SimHttpRequest): string {
  return /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "";
}

/** The session the range handed out for `accessKeyId`, if any. */
export function stsSession(world: SimWorld, accessKeyId: string): SimStsSession | undefined {
  return world.stsSessions?.get(accessKeyId);
}

function assumeRole(world: SimWorld, params: URLSearchParams, prng: Prng, caller: string): XmlFields {
  const roleArn = params.get("RoleArn");
  const sessionName = params.get("RoleSessionName");
  const externalId = params.get("ExternalId");
  if (roleArn === null || roleArn === "")
    throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (roleArn.length < 20 || roleArn.length > 2048) {
    throw validation(
      `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`,
    );
  }
  if (sessionName === null || !SESSION_NAME.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName ?? "null"}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`,
    );
  }
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) {
    throw validation(
      `1 validation error detected: Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,./@:-]* and have length between 2 and 1224`,
    );
  }
  const role = ROLE_ARN.exec(roleArn);
  if (role === null) throw validation(`${roleArn} is not a valid IAM role ARN`);
  const duration = queryInt(params, "DurationSeconds");
  if (duration === "invalid" || (duration !== undefined && (duration < 900 || duration > 43_200))) {
    throw validation(
      "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200",
    );
  }
  if (duration !== undefined && duration > DEFAULT_MAX_SESSION_SECONDS) {
    throw validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  const known = world.config.stsRoles;
  const trusted = known === undefined ? {} : known[roleArn];
  // AWS does not say whether the role exists or why its trust policy refused: one AccessDenied for both.
  if (trusted === undefined || (trusted.externalId !== undefined && trusted.externalId !== externalId)) {
    throw new SimApiError("AccessDenied", `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  }
  const accountId = role[2] ?? world.config.accountId;
  const roleName = role[4] ?? "role";
  const partition = roleArn.split(":")[1] ?? "aws";
  const session: SimStsSession = {
    accessKeyId: `ASIA${pick(prng, UPPER_ALNUM, 16)}`,
    roleArn,
    sessionName,
    assumedRoleId: `AROA${pick(prng, UPPER_ALNUM, 17)}:${sessionName}`,
    expiresAtMs: world.nowMs + (duration ?? DEFAULT_MAX_SESSION_SECONDS) * 1_000,
  };
  sessionsOf(world).set(session.accessKeyId, session);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: pick(prng, SECRET_ALPHABET, 40),
      SessionToken: `FwoGZXIvYXdzE${pick(prng, SECRET_ALPHABET, 200)}`,
      Expiration: isoTime(session.expiresAtMs),
    },
    AssumedRoleUser: {
      AssumedRoleId: session.assumedRoleId,
      Arn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    },
  };
}

/** Who signed the request: an assumed role's session, or the range's own account (any other key). */
function callerOf(world: SimWorld, accessKeyId: string): { account: string; arn: string; userId: string } {
  const session = stsSession(world, accessKeyId);
  if (session !== undefined) {
    const role = ROLE_ARN.exec(session.roleArn);
    const account = role?.[2] ?? world.config.accountId;
    return { account, arn: `arn:aws:sts::${account}:assumed-role/${role?.[4] ?? "role"}/${session.sessionName}`, userId: session.assumedRoleId };
  }
  return { account: world.config.accountId, arn: `arn:aws:iam::${world.config.accountId}:user/teal-local`, userId: "AIDATEALLOCALUSER0001" };
}

/** The error STS answers for a request signed with an expired session, or undefined. */
export function expiredSessionError(world: SimWorld, req: SimHttpRequest): SimApiError | undefined {
  const session = stsSession(world, accessKeyOf(req));
  if (session === undefined || session.expiresAtMs > world.nowMs) return undefined;
  return new SimApiError("ExpiredToken", "The security token included in the request is expired", 400);
}

export function stsError(err: SimApiError, rid: string): SimHttpResponse {
  return queryError(STS_NAMESPACE, err, rid);
}

export function handleSts(world: SimWorld, req: SimHttpRequest, prng: Prng, rid: string): SimHttpResponse {
  const params = formParams(req);
  const action = params.get("Action") ?? "";
  try {
    const caller = callerOf(world, accessKeyOf(req));
    let result: XmlFields;
    if (action === "AssumeRole") result = assumeRole(world, params, prng, caller.arn);
    else if (action === "GetCallerIdentity") result = { UserId: caller.userId, Account: caller.account, Arn: caller.arn };
    else throw new SimApiError("InvalidAction", `The action ${action} is not valid for this web service.`, 400);
    const body = renderXmlDocument(`${action}Response`, STS_NAMESPACE, { [`${action}Result`]: result, ResponseMetadata: { RequestId: rid } });
    return xmlResponse(200, body, { "x-amzn-requestid": rid });
  } catch (err) {
    if (!(err instanceof SimApiError)) throw err;
    return stsError(err, rid);
  }
}
