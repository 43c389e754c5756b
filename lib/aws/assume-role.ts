import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { toAppError } from "./errors";

/** A role Teal assumes for an application's calls (the `assumeRole` of its config). */
export interface AssumeRoleSpec {
  roleArn: string;
  externalId?: string | undefined;
  sessionName?: string | undefined;
}

/** Credentials as the SDK clients take them. */
export interface TealCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialSource = TealCredentials | (() => Promise<TealCredentials>);

/** The session name AWS's records show when the config names none. */
export const DEFAULT_SESSION_NAME = "teal";

/**
 * How long an assumed session is asked for (s). AWS accepts 900 up to the role's maximum session
 * duration, which is one hour unless the role says more (docs/aws-behaviour.md §15.1): one hour
 * works with every role.
 */
export const ASSUMED_SESSION_SECONDS = 3_600;

/** Credentials are assumed again this long before they expire, so no call is signed with ones about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The key under which clients and credentials of a role are shared: the whole spec (the external id
 * and session name included), so two applications share credentials only when they would assume
 * exactly the same session. No key for the server's own credentials.
 */
export function roleKey(role: AssumeRoleSpec | undefined): string {
  if (role === undefined) return "";
  return JSON.stringify([role.roleArn, role.externalId ?? null, role.sessionName ?? DEFAULT_SESSION_NAME]);
}

export interface AssumedRoleOptions {
  /** The Region of the STS endpoint asked (AWS's regional STS endpoints all issue global credentials). */
  region: string;
  /** Practice range or other emulator; undefined for AWS. */
  endpoint?: string | undefined;
  /** The credentials that assume the role; undefined: the SDK's default credential chain. */
  source?: CredentialSource | undefined;
  /** The clock the expiry is compared with (tests). */
  now?: () => number;
  userAgent?: string;
}

/**
 * A credential provider for one role: assumes it with STS on first use, then answers the same
 * credentials until `REFRESH_MARGIN_MS` before they expire, when the next call assumes it again.
 * Concurrent callers share one AssumeRole request. A failed AssumeRole is not cached: the next
 * call tries again.
 */
export function assumedRoleCredentials(role: AssumeRoleSpec, opts: AssumedRoleOptions): () => Promise<TealCredentials> {
  const now = opts.now ?? Date.now;
  const sts = new STSClient({
    region: opts.region,
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    ...(opts.source !== undefined ? { credentials: opts.source } : {}),
    ...(opts.userAgent !== undefined ? { customUserAgent: opts.userAgent } : {}),
  });
  let current: TealCredentials | null = null;
  let pending: Promise<TealCredentials> | null = null;
  const assume = async (): Promise<TealCredentials> => {
    // A refusal says it was the role that could not be assumed (not the read that needed it), in
    // user-safe words: STS's own message names the role's ARN and the caller's account.
    const out = await sts
      .send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName ?? DEFAULT_SESSION_NAME,
          DurationSeconds: ASSUMED_SESSION_SECONDS,
          ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
        }),
      )
      .catch((err: unknown) => {
        throw toAppError(err, "AssumeRole");
      });
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined || c.Expiration === undefined) {
      throw new Error("STS AssumeRole answered without credentials");
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  return () => {
    if (current?.expiration !== undefined && current.expiration.getTime() - REFRESH_MARGIN_MS > now()) return Promise.resolve(current);
    if (pending === null) {
      pending = assume()
        .then((c) => {
          current = c;
          return c;
        })
        .finally(() => {
          pending = null;
        });
    }
    return pending;
  };
}
