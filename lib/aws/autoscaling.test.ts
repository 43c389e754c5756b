import { describe, expect, it } from "vitest";
import { mapAsgGroup, resolveTemplateVersion, trafficSourceStateOf } from "./autoscaling";

describe("Auto Scaling mappers", () => {
  it("maps a launch-template group with its instances sorted by id", () => {
    const info = mapAsgGroup({
      AutoScalingGroupName: "search-api",
      MinSize: 1,
      MaxSize: 8,
      DesiredCapacity: 2,
      DefaultCooldown: 300,
      AvailabilityZones: ["us-east-1a"],
      HealthCheckType: "ELB",
      CreatedTime: new Date(0),
      LaunchTemplate: { LaunchTemplateId: "lt-0abc", LaunchTemplateName: "search-api", Version: "$Latest" },
      Instances: [
        {
          InstanceId: "i-2",
          LifecycleState: "Standby",
          HealthStatus: "Healthy",
          AvailabilityZone: "us-east-1b",
          ProtectedFromScaleIn: false,
          LaunchTemplate: { LaunchTemplateId: "lt-0abc", Version: "1" },
        },
        {
          InstanceId: "i-1",
          LifecycleState: "InService",
          HealthStatus: "Unhealthy",
          AvailabilityZone: "us-east-1a",
          ProtectedFromScaleIn: false,
          LaunchTemplate: { LaunchTemplateId: "lt-0abc", Version: "2" },
        },
      ],
    });
    expect(info.view).toEqual({ name: "search-api", desired: 2, min: 1, max: 8, healthCheckType: "ELB" });
    expect(info.launch).toEqual({ kind: "launch-template", id: "lt-0abc", name: "search-api", version: "$Latest" });
    expect(info.instances).toEqual([
      { id: "i-1", lifecycle: "InService", healthStatus: "Unhealthy", launch: "lt-0abc:2", availabilityZone: "us-east-1a" },
      { id: "i-2", lifecycle: "Standby", healthStatus: "Healthy", launch: "lt-0abc:1", availabilityZone: "us-east-1b" },
    ]);
  });

  it("maps a launch-configuration group; no source at all is null", () => {
    const base = {
      MinSize: 0,
      MaxSize: 1,
      DesiredCapacity: 0,
      DefaultCooldown: 300,
      AvailabilityZones: [],
      HealthCheckType: "EC2",
      CreatedTime: new Date(0),
    };
    expect(mapAsgGroup({ ...base, AutoScalingGroupName: "g", LaunchConfigurationName: "checkout-v41" }).launch).toEqual({
      kind: "launch-configuration",
      name: "checkout-v41",
    });
    expect(mapAsgGroup({ ...base, AutoScalingGroupName: "g" }).launch).toBeNull();
  });

  it("resolves $Latest and $Default to numbers, keeps numbers", () => {
    const t = { LatestVersionNumber: 3, DefaultVersionNumber: 1 };
    expect([resolveTemplateVersion(t, "$Latest"), resolveTemplateVersion(t, "$Default"), resolveTemplateVersion(t, "2")]).toEqual(["3", "1", "2"]);
  });

  it("finds a traffic source by identifier; absent is null", () => {
    const sources = [{ Identifier: "payments-lb", Type: "elb", State: "Removing" }];
    expect(trafficSourceStateOf(sources, "payments-lb")).toBe("Removing");
    expect(trafficSourceStateOf(sources, "other-lb")).toBeNull();
  });
});
