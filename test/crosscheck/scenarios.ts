/**
 * The cross-check scenarios: one per service, each a fixed sequence of SDK calls whose normalised
 * results are recorded under step names. Adding a service (ELBv2, Auto Scaling, ECS) means adding one
 * more Scenario to SCENARIOS; the suite compares every step and consults the known-differences table.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand, type Instance } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
  type InstanceState,
} from "@aws-sdk/client-elastic-load-balancing";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { errorOf, maskId, outcome, sortedBy, type Observations, type Scenario, type Target } from "./harness";
import { COMPUTE_SCENARIOS } from "./scenarios-compute";
import { NETWORK_SCENARIOS } from "./scenarios-network";

/** An AMI id moto ships with (moto refuses unknown AMIs); the range accepts any. */
const IMAGE_ID = "ami-12c6146b";

// ---------------------------------------------------------------------------------------------
// Route 53

function weighted(action: Change["Action"], id: string, weight: number, value: string): Change {
  return {
    Action: action,
    ResourceRecordSet: {
      Name: "app.xcheck.example.com.",
      Type: "CNAME",
      SetIdentifier: id,
      Weight: weight,
      TTL: 60,
      ResourceRecords: [{ Value: value }],
    },
  };
}

function recordView(r: ResourceRecordSet): unknown {
  return {
    Name: r.Name,
    Type: r.Type,
    SetIdentifier: r.SetIdentifier,
    Weight: r.Weight,
    TTL: r.TTL,
    Values: (r.ResourceRecords ?? []).map((v) => v.Value),
  };
}

const route53: Scenario = {
  name: "route53",
  async run(t: Target, obs: Observations) {
    const r53 = new Route53Client(t.clientConfig);
    try {
      const zone = await r53.send(new CreateHostedZoneCommand({ Name: "xcheck.example.com", CallerReference: "xcheck-1" }));
      const zoneId = zone.HostedZone?.Id ?? "";
      obs.see("CreateHostedZone", {
        Id: zoneId.startsWith("/hostedzone/") ? "/hostedzone/<id>" : zoneId,
        Name: zone.HostedZone?.Name,
        PrivateZone: zone.HostedZone?.Config?.PrivateZone,
        NameServers: (zone.DelegationSet?.NameServers ?? []).length > 0,
        Location: zone.Location !== undefined,
      });

      const created = await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [weighted("CREATE", "blue", 100, "blue.elb.example.com"), weighted("CREATE", "green", 0, "green.elb.example.com")],
          },
        }),
      );
      obs.see("CREATE weighted pair: ChangeInfo", { Id: maskId(created.ChangeInfo?.Id), Status: created.ChangeInfo?.Status });
      const changeId = created.ChangeInfo?.Id ?? "";
      obs.see("GetChange at once", (await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status);
      await t.advance(90_000);
      obs.see("GetChange after 90 s", (await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status);

      const upsert = await outcome(
        r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: {
              Changes: [weighted("UPSERT", "blue", 0, "blue.elb.example.com"), weighted("UPSERT", "green", 100, "green.elb.example.com")],
            },
          }),
        ),
      );
      obs.see("UPSERT both weights in one batch", "ok" in upsert ? upsert.ok.ChangeInfo?.Status : upsert);
      await t.advance(90_000);

      const pages: unknown[] = [];
      let next: { name?: string; type?: string; id?: string } = {};
      for (let i = 0; i < 10; i++) {
        const page = await r53.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            MaxItems: 3,
            StartRecordName: next.name,
            StartRecordType: next.type as ResourceRecordSet["Type"],
            StartRecordIdentifier: next.id,
          }),
        );
        pages.push({
          records: (page.ResourceRecordSets ?? []).map((r) => `${r.Name} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ""}`),
          IsTruncated: page.IsTruncated,
          Next: page.IsTruncated ? [page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier] : undefined,
        });
        if (!page.IsTruncated) break;
        next = { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier };
      }
      obs.see("ListResourceRecordSets paged by 3 (a page ends inside the weighted set)", pages);

      const all = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
      obs.see(
        "weighted records after UPSERT",
        sortedBy(all.ResourceRecordSets ?? [], (r) => `${r.Type} ${r.SetIdentifier ?? ""}`)
          .filter((r) => r.Type === "CNAME")
          .map(recordView),
      );

      const wrongDelete = await outcome(
        r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: { Changes: [weighted("DELETE", "green", 50, "green.elb.example.com")] },
          }),
        ),
      );
      obs.see("DELETE with a non-matching weight", errorOf(wrongDelete) ?? "accepted");
      await t.advance(2_000);
      const exact = await outcome(
        r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: { Changes: [weighted("DELETE", "blue", 0, "blue.elb.example.com")] },
          }),
        ),
      );
      obs.see("exact-match DELETE", errorOf(exact) ?? "accepted");
      await t.advance(2_000);
      const recreate = await outcome(
        r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: { Changes: [weighted("CREATE", "blue", 10, "blue.elb.example.com")] },
          }),
        ),
      );
      obs.see("CREATE of a deleted record set", errorOf(recreate) ?? "accepted");
      await t.advance(2_000);
      const createExisting = await outcome(
        r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: { Changes: [weighted("CREATE", "blue", 20, "blue.elb.example.com")] },
          }),
        ),
      );
      obs.see("CREATE of an existing record set", errorOf(createExisting) ?? "accepted");
      await t.advance(2_000);
      const after = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
      obs.see(
        "weighted records at the end",
        sortedBy(
          (after.ResourceRecordSets ?? []).filter((r) => r.Type === "CNAME"),
          (r) => `${r.SetIdentifier ?? ""} ${r.Weight ?? ""}`,
        ).map((r) => `${r.SetIdentifier ?? ""}:${r.Weight ?? ""}`),
      );
      obs.see("GetChange of an unknown id", errorOf(await outcome(r53.send(new GetChangeCommand({ Id: "C0000000000000000NONE" })))) ?? "accepted");
    } finally {
      r53.destroy();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// EC2

function instanceView(i: Instance): unknown {
  return {
    InstanceId: maskId(i.InstanceId),
    ImageId: i.ImageId,
    InstanceType: i.InstanceType,
    State: i.State?.Name,
    Placement: i.Placement?.AvailabilityZone !== undefined,
    Tags: sortedBy(i.Tags ?? [], (x) => x.Key ?? "").map((x) => `${x.Key}=${x.Value}`),
  };
}

async function launch(ec2: EC2Client, count: number, app: string): Promise<string[]> {
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: IMAGE_ID,
      InstanceType: "t3.micro",
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "app", Value: app },
            { Key: "teal:version", Value: "v1" },
          ],
        },
      ],
    }),
  );
  return (run.Instances ?? []).map((i) => i.InstanceId ?? "");
}

const ec2Scenario: Scenario = {
  name: "ec2",
  async run(t: Target, obs: Observations) {
    const ec2 = new EC2Client(t.clientConfig);
    try {
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: IMAGE_ID,
          InstanceType: "t3.micro",
          MinCount: 2,
          MaxCount: 2,
          TagSpecifications: [
            {
              ResourceType: "instance",
              Tags: [
                { Key: "app", Value: "xcheck-ec2" },
                { Key: "Name", Value: "web" },
              ],
            },
          ],
        }),
      );
      obs.see("RunInstances", { ReservationId: maskId(run.ReservationId), Instances: (run.Instances ?? []).map(instanceView) });
      const ids = (run.Instances ?? []).map((i) => i.InstanceId ?? "");
      const byTag = async () => {
        const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:app", Values: ["xcheck-ec2"] }] }));
        return {
          Reservations: (out.Reservations ?? []).length,
          Instances: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(instanceView),
        };
      };
      obs.see("DescribeInstances by tag at once", await byTag());
      await t.advance(60_000);
      obs.see("DescribeInstances by tag after boot", await byTag());
      const [first] = ids;
      const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: first === undefined ? [] : [first] }));
      obs.see(
        "TerminateInstances",
        (term.TerminatingInstances ?? []).map((x) => ({
          InstanceId: maskId(x.InstanceId),
          Previous: x.PreviousState?.Name,
          Current: x.CurrentState?.Name,
        })),
      );
      await t.advance(30_000);
      obs.see("DescribeInstances after terminate", await byTag());
      obs.see(
        "DescribeInstances of an unknown id",
        errorOf(await outcome(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })))) ?? "accepted",
      );
    } finally {
      ec2.destroy();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Classic ELB

function healthView(states: InstanceState[] | undefined): unknown {
  return sortedBy(states ?? [], (s) => s.InstanceId ?? "").map((s) => ({ State: s.State, ReasonCode: s.ReasonCode, Description: s.Description }));
}

const elbScenario: Scenario = {
  name: "elb",
  async run(t: Target, obs: Observations) {
    const elb = new ElasticLoadBalancingClient(t.clientConfig);
    const ec2 = new EC2Client(t.clientConfig);
    try {
      const created = await elb.send(
        new CreateLoadBalancerCommand({
          LoadBalancerName: "xcheck-blue",
          Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
          AvailabilityZones: ["us-east-1a"],
        }),
      );
      // AWS: <name>-<number>.<region>.elb.amazonaws.com; the number is an id, so it is masked (moto omits it).
      obs.see("CreateLoadBalancer DNSName", (created.DNSName ?? "").replace(/^xcheck-blue(-\d+)?\./, "xcheck-blue-<id>."));
      const described = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ["xcheck-blue"] }));
      const lb = described.LoadBalancerDescriptions?.[0];
      obs.see("DescribeLoadBalancers", {
        LoadBalancerName: lb?.LoadBalancerName,
        Scheme: lb?.Scheme,
        AvailabilityZones: lb?.AvailabilityZones,
        Listeners: (lb?.ListenerDescriptions ?? []).map((l) => l.Listener),
        HealthCheckTarget: lb?.HealthCheck?.Target,
      });
      obs.see("CanonicalHostedZoneNameID", lb?.CanonicalHostedZoneNameID ?? "absent");
      const hc = await elb.send(
        new ConfigureHealthCheckCommand({
          LoadBalancerName: "xcheck-blue",
          HealthCheck: { Target: "HTTP:80/health", Interval: 5, Timeout: 2, UnhealthyThreshold: 2, HealthyThreshold: 2 },
        }),
      );
      obs.see("ConfigureHealthCheck", hc.HealthCheck);

      const ids = await launch(ec2, 2, "xcheck-elb");
      const registered = await elb.send(
        new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: "xcheck-blue", Instances: ids.map((InstanceId) => ({ InstanceId })) }),
      );
      obs.see(
        "RegisterInstancesWithLoadBalancer returns",
        (registered.Instances ?? []).map((i) => maskId(i.InstanceId)),
      );
      obs.see(
        "DescribeInstanceHealth at once",
        healthView((await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "xcheck-blue" }))).InstanceStates),
      );
      await t.advance(120_000);
      obs.see(
        "DescribeInstanceHealth after boot and checks",
        healthView((await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "xcheck-blue" }))).InstanceStates),
      );

      await elb.send(
        new ModifyLoadBalancerAttributesCommand({
          LoadBalancerName: "xcheck-blue",
          LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: 30 } },
        }),
      );
      const attrs = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: "xcheck-blue" }));
      obs.see("DescribeLoadBalancerAttributes", {
        ConnectionDraining: attrs.LoadBalancerAttributes?.ConnectionDraining,
        CrossZoneLoadBalancing: attrs.LoadBalancerAttributes?.CrossZoneLoadBalancing,
        ConnectionSettings: attrs.LoadBalancerAttributes?.ConnectionSettings,
      });

      const [gone] = ids;
      const remaining = await elb.send(
        new DeregisterInstancesFromLoadBalancerCommand({
          LoadBalancerName: "xcheck-blue",
          Instances: gone === undefined ? [] : [{ InstanceId: gone }],
        }),
      );
      obs.see(
        "DeregisterInstancesFromLoadBalancer returns",
        (remaining.Instances ?? []).map((i) => maskId(i.InstanceId)),
      );
      obs.see(
        "DescribeInstanceHealth right after deregistering",
        healthView((await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "xcheck-blue" }))).InstanceStates),
      );
      await t.advance(40_000);
      obs.see(
        "DescribeInstanceHealth after draining",
        healthView((await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "xcheck-blue" }))).InstanceStates),
      );
      obs.see(
        "DescribeInstanceHealth of the deregistered instance by id",
        healthView(
          (
            await elb.send(
              new DescribeInstanceHealthCommand({ LoadBalancerName: "xcheck-blue", Instances: gone === undefined ? [] : [{ InstanceId: gone }] }),
            )
          ).InstanceStates,
        ),
      );
      obs.see(
        "DescribeLoadBalancers of an unknown name",
        errorOf(await outcome(elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ["xcheck-none"] })))) ?? "accepted",
      );
    } finally {
      elb.destroy();
      ec2.destroy();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// CloudWatch

function alarmView(a: MetricAlarm): unknown {
  return {
    AlarmName: a.AlarmName,
    AlarmArn: a.AlarmArn?.replace(/:\d{12}:/, ":<account>:"),
    Namespace: a.Namespace,
    MetricName: a.MetricName,
    Dimensions: a.Dimensions,
    Statistic: a.Statistic,
    Period: a.Period,
    EvaluationPeriods: a.EvaluationPeriods,
    DatapointsToAlarm: a.DatapointsToAlarm,
    Threshold: a.Threshold,
    ComparisonOperator: a.ComparisonOperator,
    TreatMissingData: a.TreatMissingData,
    ActionsEnabled: a.ActionsEnabled,
    AlarmActions: a.AlarmActions,
    StateValue: a.StateValue,
    StateReason: a.StateReason,
    StateUpdatedTimestamp: a.StateUpdatedTimestamp instanceof Date,
  };
}

const alarmInput = (name: string): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  Namespace: "AWS/ELB",
  MetricName: "HTTPCode_Backend_5XX",
  Dimensions: [{ Name: "LoadBalancerName", Value: "xcheck-blue" }],
  Statistic: "Sum",
  Period: 60,
  EvaluationPeriods: 3,
  DatapointsToAlarm: 2,
  Threshold: 5,
  ComparisonOperator: "GreaterThanThreshold",
  TreatMissingData: "notBreaching",
  AlarmActions: ["arn:aws:sns:us-east-1:123456789012:ops"],
});

const cloudwatch: Scenario = {
  name: "cloudwatch",
  async run(t: Target, obs: Observations) {
    // moto 5.2 inflates gzipped PutMetricData bodies twice (docs/aws-behaviour.md §13); no compression anywhere.
    const cw = new CloudWatchClient({ ...t.clientConfig, disableRequestCompression: true });
    try {
      for (const name of ["xcheck-a", "xcheck-b", "xcheck-c"]) await cw.send(new PutMetricAlarmCommand(alarmInput(name)));
      const one = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["xcheck-a"] }));
      obs.see("DescribeAlarms of a new alarm", (one.MetricAlarms ?? []).map(alarmView));
      obs.see("DescribeAlarms CompositeAlarms", one.CompositeAlarms ?? "absent");

      const names: string[][] = [];
      let token: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "xcheck-", MaxRecords: 2, NextToken: token }));
        names.push((page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ""));
        token = page.NextToken;
        if (!token) break;
      }
      obs.see("DescribeAlarms paged by 2", names);
      obs.see(
        "DescribeAlarms with AlarmNames and AlarmNamePrefix",
        errorOf(await outcome(cw.send(new DescribeAlarmsCommand({ AlarmNames: ["xcheck-a"], AlarmNamePrefix: "xcheck-" })))) ?? "accepted",
      );

      await cw.send(new SetAlarmStateCommand({ AlarmName: "xcheck-b", StateValue: "ALARM", StateReason: "cross-check drill" }));
      const alarming = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "xcheck-", StateValue: "ALARM" }));
      obs.see(
        "DescribeAlarms StateValue=ALARM after SetAlarmState",
        (alarming.MetricAlarms ?? []).map((a) => [a.AlarmName, a.StateValue, a.StateReason]),
      );
      obs.see(
        "SetAlarmState of an unknown alarm",
        errorOf(await outcome(cw.send(new SetAlarmStateCommand({ AlarmName: "xcheck-none", StateValue: "OK", StateReason: "x" })))) ?? "accepted",
      );

      await cw.send(new DeleteAlarmsCommand({ AlarmNames: ["xcheck-a", "xcheck-b", "xcheck-c"] }));
      obs.see(
        "DescribeAlarms after DeleteAlarms",
        ((await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "xcheck-" }))).MetricAlarms ?? []).length,
      );

      const empty = await cw.send(new ListMetricsCommand({ Namespace: "XCheck/None" }));
      obs.see("ListMetrics of an empty namespace", { Metrics: empty.Metrics ?? "absent", NextToken: empty.NextToken ?? "absent" });
    } finally {
      cw.destroy();
    }
  },
};

export const SCENARIOS: readonly Scenario[] = [route53, ec2Scenario, elbScenario, cloudwatch, ...COMPUTE_SCENARIOS, ...NETWORK_SCENARIOS];
