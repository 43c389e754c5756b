import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

const ROLE = "arn:aws:iam::210987654321:role/teal-deployer";
const GUARDED = "arn:aws:iam::210987654321:role/teal-guarded";

let range: TestRange;
let sts: STSClient;

beforeAll(async () => {
  range = await startTestRange({ stsRoles: { [ROLE]: {}, [GUARDED]: { externalId: "teal-ext-1" } } });
  sts = new STSClient(range.clientConfig);
});

afterAll(async () => {
  sts.destroy();
  await range.close();
});

async function stsFailure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof STSServiceException) return { name: err.name, status: err.$metadata.httpStatusCode, message: err.message };
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("STS on the practice range", () => {
  it("AssumeRole hands out temporary credentials for the role, expiring after the duration asked", async () => {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "teal", DurationSeconds: 900 }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(out.Credentials?.Expiration?.getTime()).toBe(range.nowMs() + 900_000);
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::210987654321:assumed-role/teal-deployer/teal");
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:teal$/);
  });

  it("GetCallerIdentity names the assumed role for its credentials, and the range's account otherwise", async () => {
    const own = await sts.send(new GetCallerIdentityCommand({}));
    expect(own.Account).toBe("123456789012");
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "ci-run" }));
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) throw new Error("no credentials");
    const assumed = new STSClient({
      ...range.clientConfig,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    try {
      const who = await assumed.send(new GetCallerIdentityCommand({}));
      expect(who).toMatchObject({ Account: "210987654321", Arn: "arn:aws:sts::210987654321:assumed-role/teal-deployer/ci-run" });
      expect(who.UserId).toBe(out.AssumedRoleUser?.AssumedRoleId);
    } finally {
      assumed.destroy();
    }
  });

  it("answers ValidationError for a malformed role ARN, session name or duration", async () => {
    expect(await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::12:role/x", RoleSessionName: "teal" })))).toMatchObject({
      name: "ValidationError",
      status: 400,
    });
    expect(
      await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::210987654321:user/someone", RoleSessionName: "teal" }))),
    ).toMatchObject({
      name: "ValidationError",
    });
    expect(await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "has space" })))).toMatchObject({
      name: "ValidationError",
    });
    expect(await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "teal", DurationSeconds: 600 })))).toMatchObject({
      name: "ValidationError",
    });
    // Above the role's maximum session (one hour unless the role says more).
    expect(await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "teal", DurationSeconds: 7_200 })))).toMatchObject({
      name: "ValidationError",
    });
  });

  it("answers AccessDenied (403) for a role it does not trust the caller with, or a wrong external id", async () => {
    const unknown = await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::210987654321:role/other", RoleSessionName: "teal" })));
    expect(unknown).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(unknown.message).toContain("sts:AssumeRole");
    expect(await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: GUARDED, RoleSessionName: "teal" })))).toMatchObject({ name: "AccessDenied" });
    expect(await stsFailure(sts.send(new AssumeRoleCommand({ RoleArn: GUARDED, RoleSessionName: "teal", ExternalId: "wrong-id" })))).toMatchObject({
      name: "AccessDenied",
    });
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn: GUARDED, RoleSessionName: "teal", ExternalId: "teal-ext-1" }));
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it("records the access key of each request, and refuses a session's key once it expired (ExpiredToken)", async () => {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "short", DurationSeconds: 900 }));
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) throw new Error("no credentials");
    const elbv2 = new ElasticLoadBalancingV2Client({
      ...range.clientConfig,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    try {
      await elbv2.send(new DescribeLoadBalancersCommand({}));
      expect(range.stats.requests?.at(-1)).toMatchObject({ service: "elbv2", operation: "DescribeLoadBalancers", accessKeyId: c.AccessKeyId });
      range.tick(900_001);
      const err = await elbv2.send(new DescribeLoadBalancersCommand({})).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ name: "ExpiredToken", $metadata: { httpStatusCode: 400 } });
    } finally {
      elbv2.destroy();
    }
  });
});
