// Which failed reads only make an application's data late (the wall then leaves it in its turn) and
// which are AWS answering with an error (the wall pins it): from the errors lib/aws makes of what
// the SDK throws.
import { describe, expect, it } from "vitest";
import { toAppError } from "@/lib/aws/errors";
import { readBudgetError } from "@/lib/aws/read-budget";
import { readErrorKind } from "./snapshots";

function sdkError(name: string, status?: number): Error {
  const err = new Error(`${name} happened`);
  err.name = name;
  if (status !== undefined) Object.assign(err, { $metadata: { httpStatusCode: status } });
  return err;
}

describe("readErrorKind", () => {
  it("calls a read late when Teal's budget held it back, AWS throttled it, or nobody answered in time", () => {
    expect(readErrorKind(readBudgetError("elbv2", 9_000, 5_000))).toBe("late");
    expect(readErrorKind(toAppError(sdkError("ThrottlingException", 400), "DescribeTargetHealth"))).toBe("late");
    expect(readErrorKind(toAppError(sdkError("TimeoutError"), "DescribeServices"))).toBe("late");
    expect(readErrorKind(toAppError(sdkError("ECONNREFUSED"), "DescribeServices"))).toBe("late");
  });

  it("calls it failed when AWS answered with an error, a server error included", () => {
    expect(readErrorKind(toAppError(sdkError("InternalFailure", 500), "DescribeListeners"))).toBe("failed");
    expect(readErrorKind(toAppError(sdkError("AccessDenied", 403), "DescribeListeners"))).toBe("failed");
    expect(readErrorKind(toAppError(sdkError("TargetGroupNotFound", 400), "DescribeTargetHealth"))).toBe("failed");
    expect(readErrorKind(new Error("something else"))).toBe("failed");
  });
});
