import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/domain/types";
import { redactAwsText, toAppError } from "./errors";

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
    expect(err.userMessage).toBe("GetChange failed: AccessDenied: Teal's AWS credentials are not allowed to do this");
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
