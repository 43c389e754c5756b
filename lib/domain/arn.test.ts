import { describe, expect, it } from "vitest";
import { withoutArns, withoutArnsInText } from "./arn";

const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TG = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/shop-blue/73e2d6bc24d8a067";
const TASK_DEF = "arn:aws:ecs:us-east-1:123456789012:task-definition/notifications:41";

describe("withoutArns", () => {
  it("keeps the resource part of an ARN and drops the partition, Region and account", () => {
    expect(withoutArnsInText(LISTENER)).toBe("listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
    expect(withoutArnsInText(TG)).toBe("targetgroup/shop-blue/73e2d6bc24d8a067");
    expect(withoutArnsInText("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/demo/web")).toBe("service/demo/web");
  });

  it("names an ECS task definition family:revision, as ECS takes it back", () => {
    expect(withoutArnsInText(TASK_DEF)).toBe("notifications:41");
  });

  it("shortens ARNs inside text and leaves text without one as it is", () => {
    expect(withoutArnsInText(`Wait for ${TG} to be healthy`)).toBe("Wait for targetgroup/shop-blue/73e2d6bc24d8a067 to be healthy");
    expect(withoutArnsInText("Wait for shop-blue")).toBe("Wait for shop-blue");
    // An ARN without an account (S3, a policy of AWS's own) carries nothing to hide.
    expect(withoutArnsInText("arn:aws:s3:::my-bucket")).toBe("arn:aws:s3:::my-bucket");
  });

  it("walks objects and arrays, returns the same object when there is nothing to change, and leaves keys alone", () => {
    const answer = {
      state: { alb: { listenerArn: LISTENER, targetGroupArns: { blue: TG, green: TG } }, healthy: 3, ok: true, none: null },
      steps: [{ title: "Shift", call: { args: { ListenerArn: LISTENER } } }],
    };
    const stripped = withoutArns(answer);
    expect(JSON.stringify(stripped)).not.toMatch(/arn:aws|\d{12}/);
    expect(stripped.state.healthy).toBe(3);
    expect(stripped.state.none).toBeNull();
    expect(stripped.steps[0]?.call.args.ListenerArn).toBe("listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
    // The input is not changed, and a part with no ARN is the same object.
    expect(answer.state.alb.listenerArn).toBe(LISTENER);
    const plain = { a: [1, "two", { three: 3 }] };
    expect(withoutArns(plain)).toBe(plain);
  });
});
