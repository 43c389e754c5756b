import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeleteLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  ResourceContentionFault,
  ResourceInUseFault,
  ScalingActivityInProgressFault,
} from "@aws-sdk/client-auto-scaling";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, PriorRequestNotComplete, Route53Client } from "@aws-sdk/client-route-53";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/domain/app-error";
import { startTestRange, type TestRange } from "@/test/support/range";
import { isBusyRefusal, redactAwsText, toAppError } from "./errors";

function awsError(name: string, message: string, status = 400): Error {
  const err = new Error(message) as Error & { $metadata: { httpStatusCode: number } };
  err.name = name;
  err.$metadata = { httpStatusCode: status };
  return err;
}

describe("toAppError", () => {
  it.each([
    ["Throttling", "throttled"],
    ["ThrottlingException", "throttled"],
    ["InvalidChangeBatch", "invalid"],
    ["NoSuchHostedZone", "not_found"],
    ["PriorRequestNotComplete", "conflict"],
    ["AccessDenied", "forbidden"],
    ["SomethingNew", "aws_error"],
  ])("maps %s to %s", (name, code) => {
    expect(toAppError(awsError(name, "boom"), "Op").code).toBe(code);
  });

  it("never passes account ids or ARNs to the user message", () => {
    const err = toAppError(
      awsError("ValidationError", "User arn:aws:iam::123456789012:user/ci in account 123456789012 is wrong"),
      "SetDesiredCapacity",
    );
    expect(err.userMessage).not.toMatch(/123456789012/);
    expect(err.userMessage).not.toMatch(/arn:aws/);
    expect(err.userMessage).toContain("SetDesiredCapacity failed: ValidationError");
    expect(err.message).toContain("123456789012");
  });

  it("hides the text of access errors entirely", () => {
    const err = toAppError(awsError("AccessDenied", "not authorized on arn:aws:route53:::hostedzone/Z1"), "GetChange");
    expect(err.userMessage).toBe(
      "GetChange failed: AccessDenied: Teal's AWS credentials are not allowed to do this (IAM action route53:GetChange; teal iam-policy prints the policy Teal needs)",
    );
  });

  it("names the IAM action of a refused operation Teal knows, and nothing for refused credentials or an unknown operation", () => {
    expect(toAppError(awsError("AccessDeniedException", "User: arn:aws:sts::1:assumed-role/x is not authorized"), "UpdateService").userMessage).toBe(
      "UpdateService failed: AccessDeniedException: Teal's AWS credentials are not allowed to do this (IAM action ecs:UpdateService; teal iam-policy prints the policy Teal needs)",
    );
    // Both load balancer APIs' DescribeLoadBalancers are one action.
    expect(toAppError(awsError("AccessDenied", "x"), "DescribeLoadBalancers").userMessage).toMatch(
      /IAM action elasticloadbalancing:DescribeLoadBalancers;/,
    );
    expect(toAppError(awsError("InvalidClientTokenId", "x"), "GetChange").userMessage).toBe(
      "GetChange failed: InvalidClientTokenId: Teal's AWS credentials are not allowed to do this",
    );
    expect(toAppError(awsError("UnauthorizedOperation", "x"), "RunInstances").userMessage).toBe(
      "RunInstances failed: UnauthorizedOperation: Teal's AWS credentials are not allowed to do this",
    );
  });

  it("marks 5xx as safe to retry and keeps AppErrors as they are", () => {
    expect(toAppError(awsError("InternalFailure", "x", 500), "Op").userMessage).toMatch(/safe to retry/);
    const original = new AppError("stale", "changed");
    expect(toAppError(original, "Op")).toBe(original);
  });

  it("says plainly when the AWS endpoint did not answer or could not be reached", () => {
    const timeout = Object.assign(new Error("@smithy/node-http-handler - [ERROR] a request has exceeded the configured 15000 ms requestTimeout."), {
      name: "TimeoutError",
    });
    const t = toAppError(timeout, "DescribeLoadBalancers");
    expect(t.code).toBe("aws_error");
    expect(t.userMessage).toBe("DescribeLoadBalancers failed: the AWS endpoint did not answer in time (network or endpoint down; safe to retry)");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4580"), { code: "ECONNREFUSED" });
    expect(toAppError(refused, "GetMetricData").userMessage).toBe(
      "GetMetricData failed: the AWS endpoint could not be reached (network or endpoint down; safe to retry)",
    );
  });

  it("redacts text", () => {
    expect(redactAwsText("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/x ok")).toBe("[arn] ok");
  });
});

describe("busy refusals, by the AWS error's name", () => {
  let range: TestRange;
  beforeAll(async () => {
    range = await startTestRange({ route53ProcessingMs: 60_000 });
  });
  afterAll(async () => {
    await range?.close();
  });

  async function refusal(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (err) {
      return err;
    }
    throw new Error("the request was not refused");
  }

  it("Route 53's PriorRequestNotComplete from the practice range is a busy refusal, whatever its message says", async () => {
    const r53 = new Route53Client({ ...range.clientConfig, maxAttempts: 1 });
    try {
      const zone = await r53.send(new CreateHostedZoneCommand({ Name: "busy.example.com", CallerReference: "busy-1" }));
      const zoneId = zone.HostedZone?.Id ?? "";
      const upsert = (weight: number) =>
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: "UPSERT",
                ResourceRecordSet: {
                  Name: "shop.busy.example.com",
                  Type: "CNAME",
                  SetIdentifier: "blue",
                  Weight: weight,
                  TTL: 60,
                  ResourceRecords: [{ Value: "b" }],
                },
              },
            ],
          },
        });
      await r53.send(upsert(100));
      const sdkError = await refusal(r53.send(upsert(50)));
      expect(sdkError).toBeInstanceOf(PriorRequestNotComplete);
      const mapped = toAppError(sdkError, "ChangeResourceRecordSets");
      expect(mapped).toMatchObject({ code: "conflict", awsName: "PriorRequestNotComplete" });
      expect(isBusyRefusal(mapped)).toBe(true);
      // The decision reads the name, not the text: the same error with other words is still busy.
      const reworded = new AppError(mapped.code, "Route 53 is not done yet", undefined, { awsName: "PriorRequestNotComplete" });
      expect(isBusyRefusal(reworded)).toBe(true);
    } finally {
      r53.destroy();
    }
  });

  it("Auto Scaling's ResourceInUse from the practice range is a conflict but not busy", async () => {
    const asg = new AutoScalingClient({ ...range.clientConfig, maxAttempts: 1 });
    try {
      await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "busy-lc", ImageId: "ami-12345678", InstanceType: "t3.micro" }));
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: "busy-group",
          LaunchConfigurationName: "busy-lc",
          MinSize: 0,
          MaxSize: 2,
          DesiredCapacity: 1,
          AvailabilityZones: ["us-east-1a"],
        }),
      );
      const sdkError = await refusal(asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: "busy-lc" })));
      expect(sdkError).toBeInstanceOf(ResourceInUseFault);
      const mapped = toAppError(sdkError, "DeleteLaunchConfiguration");
      expect(mapped).toMatchObject({ code: "conflict", awsName: "ResourceInUseFault" });
      expect(isBusyRefusal(mapped)).toBe(false);
    } finally {
      asg.destroy();
    }
  });

  it("Auto Scaling's busy faults as the SDK names them (…Fault) are busy refusals", () => {
    const $metadata = { httpStatusCode: 400 };
    for (const sdkError of [
      new ScalingActivityInProgressFault({
        message: "You cannot delete an AutoScalingGroup while there are scaling activities in progress.",
        $metadata,
      }),
      new ResourceContentionFault({ message: "You already have a pending update to an Auto Scaling resource.", $metadata }),
    ]) {
      const mapped = toAppError(sdkError, "UpdateAutoScalingGroup");
      expect(mapped.code).toBe("conflict");
      expect(mapped.awsName).toBe(sdkError.name);
      expect(isBusyRefusal(mapped), sdkError.name).toBe(true);
    }
  });

  it("is not busy without an AWS name, even when the message looks like one (a message is not a decision)", () => {
    expect(isBusyRefusal(new AppError("conflict", "ChangeResourceRecordSets failed: PriorRequestNotComplete: busy"))).toBe(false);
    expect(isBusyRefusal(new AppError("throttled", "x", undefined, { awsName: "Throttling" }))).toBe(false);
    expect(isBusyRefusal(new Error("PriorRequestNotComplete"))).toBe(false);
    expect(toAppError(new Error("plain"), "Op").awsName).toBeNull();
  });
});

describe("answers the SDK cannot read", () => {
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" };
  /** An endpoint that answers every request with what a proxy or a broken gateway might send. */
  async function endpoint(body: string, contentType: string): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": contentType });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it("reach the page as a plain sentence, never as the parser's words (XML and JSON protocols)", async () => {
    const html = "<html><body><h1>502 Bad Gateway</h1><p>upstream closed</body>";
    for (const [make, operation] of [
      [(url: string) => new AutoScalingClient({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 }), "DescribeAutoScalingGroups"],
      [(url: string) => new ECSClient({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 }), "DescribeServices"],
    ] as const) {
      const server = await endpoint(html, "text/html");
      try {
        const client = make(server.url);
        const raw = await (
          client instanceof AutoScalingClient
            ? client.send(new DescribeAutoScalingGroupsCommand({}))
            : client.send(new DescribeServicesCommand({ cluster: "prod", services: ["a"] }))
        ).then(
          () => null,
          (e: unknown) => e,
        );
        expect(raw, `${operation} must fail on an HTML answer`).not.toBeNull();
        const mapped = toAppError(raw, operation);
        expect(mapped.userMessage).toBe(
          `${operation} failed: the answer was not one AWS gives (a proxy or a failing endpoint answered; safe to retry)`,
        );
        expect(mapped.userMessage).not.toMatch(/parse|Unexpected token|mismatched|Deserialization|<html/i);
        expect(mapped.transient).toBe(true);
        // The raw text stays in the log's message.
        expect(mapped.message).toContain(operation);
      } finally {
        await server.close();
      }
    }
  });
});
