import { describe, expect, it } from "vitest";
import { appConfigSchema } from "./schema";

const app = {
  id: "catalog-api",
  name: "Catalog API",
  pattern: "alb-weighted",
  loadBalancer: "catalog-alb",
  blue: { targetGroup: "catalog-blue" },
  green: { targetGroup: "catalog-green" },
};

describe("assumeRole in an application's config", () => {
  it("takes a role ARN with an optional external id and session name", () => {
    const parsed = appConfigSchema.parse({
      ...app,
      region: "eu-west-1",
      assumeRole: { roleArn: "arn:aws:iam::210987654321:role/path/teal-deployer", externalId: "teal-42", sessionName: "teal-prod" },
    });
    expect(parsed.assumeRole).toEqual({
      roleArn: "arn:aws:iam::210987654321:role/path/teal-deployer",
      externalId: "teal-42",
      sessionName: "teal-prod",
    });
    expect(appConfigSchema.parse(app).assumeRole).toBeUndefined();
  });

  it.each([
    ["a user's ARN", { roleArn: "arn:aws:iam::210987654321:user/teal" }],
    ["a short account id", { roleArn: "arn:aws:iam::2109876543:role/teal" }],
    ["no role name", { roleArn: "arn:aws:iam::210987654321:role/" }],
    ["a session name with a space", { roleArn: "arn:aws:iam::210987654321:role/teal", sessionName: "teal prod" }],
    ["a one-character external id", { roleArn: "arn:aws:iam::210987654321:role/teal", externalId: "x" }],
    ["an unknown field", { roleArn: "arn:aws:iam::210987654321:role/teal", durationSeconds: 900 }],
  ])("refuses %s", (_what, assumeRole) => {
    expect(appConfigSchema.safeParse({ ...app, assumeRole }).success).toBe(false);
  });
});
