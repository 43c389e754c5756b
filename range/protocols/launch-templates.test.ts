import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  EC2ServiceException,
  ModifyLaunchTemplateCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { versionFromUserData } from "./launch-templates";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let ec2: EC2Client;

beforeAll(async () => {
  range = await startTestRange();
  ec2 = new EC2Client(range.clientConfig);
});

afterAll(async () => {
  ec2.destroy();
  await range.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-error: ${String(err)}`);
  }
  throw new Error("expected the call to fail");
}

const userData = Buffer.from("#!/bin/bash\nteal:version=v7\n").toString("base64");

describe("EC2 launch templates", () => {
  it("CreateLaunchTemplate returns version 1 as default and latest; a duplicate name is refused", async () => {
    const out = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "web-lt",
        VersionDescription: "first",
        LaunchTemplateData: {
          ImageId: "ami-0aaa",
          InstanceType: "t3.small",
          UserData: userData,
          SecurityGroupIds: ["sg-0123"],
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v41" }] }],
        },
        TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "team", Value: "web" }] }],
      }),
    );
    expect(out.LaunchTemplate?.LaunchTemplateId).toMatch(/^lt-0[0-9a-f]{16}$/);
    expect(out.LaunchTemplate?.LaunchTemplateName).toBe("web-lt");
    expect(out.LaunchTemplate?.DefaultVersionNumber).toBe(1);
    expect(out.LaunchTemplate?.LatestVersionNumber).toBe(1);
    expect(out.LaunchTemplate?.CreateTime).toBeInstanceOf(Date);
    expect(out.LaunchTemplate?.Tags).toEqual([{ Key: "team", Value: "web" }]);

    const dup = await rejection(
      ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "web-lt", LaunchTemplateData: { ImageId: "ami-0aaa" } })),
    );
    expect(dup).toBeInstanceOf(EC2ServiceException);
    expect(dup.name).toBe("InvalidLaunchTemplateName.AlreadyExistsException");
  });

  it("CreateLaunchTemplateVersion copies SourceVersion and overrides the given data", async () => {
    const v2 = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: "web-lt",
        SourceVersion: "1",
        VersionDescription: "green",
        LaunchTemplateData: { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v42" }] }] },
      }),
    );
    const version = v2.LaunchTemplateVersion;
    expect(version?.VersionNumber).toBe(2);
    expect(version?.DefaultVersion).toBe(false);
    expect(version?.VersionDescription).toBe("green");
    expect(version?.LaunchTemplateData?.ImageId).toBe("ami-0aaa");
    expect(version?.LaunchTemplateData?.InstanceType).toBe("t3.small");
    expect(version?.LaunchTemplateData?.SecurityGroupIds).toEqual(["sg-0123"]);
    expect(version?.LaunchTemplateData?.TagSpecifications).toEqual([{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v42" }] }]);

    const missing = await rejection(
      ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: "web-lt", SourceVersion: "9", LaunchTemplateData: {} })),
    );
    expect(missing.name).toBe("InvalidLaunchTemplateId.VersionNotFound");
    const noTemplate = await rejection(
      ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: "nope-lt", LaunchTemplateData: { ImageId: "ami-0b" } })),
    );
    expect(noTemplate.name).toBe("InvalidLaunchTemplateName.NotFoundException");
  });

  it("DescribeLaunchTemplateVersions resolves $Latest and $Default and lists newest first", async () => {
    const named = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "web-lt", Versions: ["$Latest", "$Default"] }));
    expect(named.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([2, 1]);
    expect(named.LaunchTemplateVersions?.[1]?.DefaultVersion).toBe(true);
    const all = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "web-lt" }));
    expect(all.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([2, 1]);
    expect(all.LaunchTemplateVersions?.[1]?.LaunchTemplateData?.UserData).toBe(userData);
  });

  it("ModifyLaunchTemplate sets the default version; DescribeLaunchTemplates shows it", async () => {
    const modified = await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: "web-lt", DefaultVersion: "2" }));
    expect(modified.LaunchTemplate?.DefaultVersionNumber).toBe(2);
    const described = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ["web-lt"] }));
    expect(described.LaunchTemplates?.[0]?.DefaultVersionNumber).toBe(2);
    expect(described.LaunchTemplates?.[0]?.LatestVersionNumber).toBe(2);
    const badVersion = await rejection(ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: "web-lt", DefaultVersion: "5" })));
    expect(badVersion.name).toBe("InvalidLaunchTemplateId.VersionNotFound");
  });

  it("DeleteLaunchTemplate removes it; describing it by id then fails", async () => {
    const created = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "gone-lt", LaunchTemplateData: { ImageId: "ami-0bbb" } }));
    const id = created.LaunchTemplate?.LaunchTemplateId ?? "";
    const deleted = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id }));
    expect(deleted.LaunchTemplate?.LaunchTemplateName).toBe("gone-lt");
    const err = await rejection(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] })));
    expect(err.name).toBe("InvalidLaunchTemplateId.NotFound");
    const list = await ec2.send(new DescribeLaunchTemplatesCommand({}));
    expect(list.LaunchTemplates?.map((t) => t.LaunchTemplateName)).toEqual(["web-lt"]);
  });

  it("versionFromUserData reads a teal:version line of base64 user data", () => {
    expect(versionFromUserData(userData)).toBe("v7");
    expect(versionFromUserData(Buffer.from("TEAL_VERSION=v9").toString("base64"))).toBe("v9");
    expect(versionFromUserData(Buffer.from("echo hi").toString("base64"))).toBeUndefined();
    expect(versionFromUserData(undefined)).toBeUndefined();
  });
});
