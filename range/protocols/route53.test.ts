import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  Route53Client,
  type Change,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { CreateLoadBalancerCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let r53: Route53Client;

beforeAll(async () => {
  range = await startTestRange({ route53PropagationMs: 30_000, route53ProcessingMs: 1_000 });
  r53 = new Route53Client(range.clientConfig);
});

afterAll(async () => {
  r53.destroy();
  await range.close();
});

let zoneCounter = 0;
async function newZone(name = "example.com"): Promise<string> {
  zoneCounter += 1;
  const out = await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `ref-${zoneCounter}` }));
  const id = out.HostedZone?.Id;
  if (id === undefined) throw new Error("no zone id");
  return id;
}

function weighted(setIdentifier: string, weight: number, value: string, ttl = 60): ResourceRecordSet {
  return { Name: "shop.example.com", Type: "CNAME", SetIdentifier: setIdentifier, Weight: weight, TTL: ttl, ResourceRecords: [{ Value: value }] };
}

async function change(zoneId: string, changes: Change[]): Promise<string> {
  const out = await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
  // Let the zone finish processing so the next batch is accepted.
  range.tick(1_000);
  return out.ChangeInfo?.Id ?? "";
}

async function records(zoneId: string): Promise<ResourceRecordSet[]> {
  const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return out.ResourceRecordSets ?? [];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe("hosted zones", () => {
  it("CreateHostedZone returns the zone, a PENDING change, name servers and the apex NS/SOA", async () => {
    const out = await r53.send(
      new CreateHostedZoneCommand({ Name: "example.com", CallerReference: "create-1", HostedZoneConfig: { Comment: "demo" } }),
    );
    expect(out.HostedZone?.Id).toMatch(/^\/hostedzone\/Z[A-Z0-9]+$/);
    expect(out.HostedZone?.Name).toBe("example.com.");
    expect(out.HostedZone?.Config).toEqual({ Comment: "demo", PrivateZone: false });
    expect(out.HostedZone?.ResourceRecordSetCount).toBe(2);
    expect(out.ChangeInfo?.Status).toBe("PENDING");
    expect(out.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
    expect(out.DelegationSet?.NameServers).toHaveLength(4);
    expect(out.Location).toContain(out.HostedZone?.Id?.replace("/hostedzone/", "") ?? "none");
    const id = out.HostedZone?.Id ?? "";
    const recs = await records(id);
    expect(recs.map((r) => r.Type)).toEqual(["NS", "SOA"]);

    const again = await rejection(r53.send(new CreateHostedZoneCommand({ Name: "other.com", CallerReference: "create-1" })));
    expect((again as Error).name).toBe("HostedZoneAlreadyExists");
  });

  it("GetHostedZone, ListHostedZones (paged) and DeleteHostedZone", async () => {
    const a = await newZone("a.example");
    const b = await newZone("b.example");
    const got = await r53.send(new GetHostedZoneCommand({ Id: a }));
    expect(got.HostedZone?.Name).toBe("a.example.");
    expect(got.DelegationSet?.NameServers?.length).toBe(4);

    const all = await r53.send(new ListHostedZonesCommand({}));
    const ids = (all.HostedZones ?? []).map((z) => z.Id);
    expect(ids).toEqual(expect.arrayContaining([a, b]));
    expect(all.IsTruncated).toBe(false);

    const first = await r53.send(new ListHostedZonesCommand({ MaxItems: 1 }));
    expect(first.HostedZones).toHaveLength(1);
    expect(first.IsTruncated).toBe(true);
    const second = await r53.send(new ListHostedZonesCommand({ MaxItems: 1, Marker: first.NextMarker }));
    expect(second.HostedZones?.[0]?.Id).not.toBe(first.HostedZones?.[0]?.Id);

    const deleted = await r53.send(new DeleteHostedZoneCommand({ Id: b }));
    expect(deleted.ChangeInfo?.Status).toBe("PENDING");
    const missing = await rejection(r53.send(new GetHostedZoneCommand({ Id: b })));
    expect(missing).toBeInstanceOf(NoSuchHostedZone);
  });

  it("DeleteHostedZone refuses a zone with records of its own", async () => {
    const id = await newZone();
    await change(id, [
      { Action: "CREATE", ResourceRecordSet: { Name: "www.example.com", Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.1" }] } },
    ]);
    const err = await rejection(r53.send(new DeleteHostedZoneCommand({ Id: id })));
    expect((err as Error).name).toBe("HostedZoneNotEmpty");
  });

  it("unknown zones are NoSuchHostedZone", async () => {
    const err = await rejection(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: "Z000000000000NOPE" })));
    expect(err).toBeInstanceOf(NoSuchHostedZone);
    expect((err as Error).message).toContain("Z000000000000NOPE");
  });
});

describe("ChangeResourceRecordSets", () => {
  it("creates weighted records, normalises names, and GetChange goes PENDING → INSYNC after the propagation time", async () => {
    const id = await newZone();
    const out = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: {
          Comment: "blue/green",
          Changes: [
            { Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "blue.elb") },
            { Action: "CREATE", ResourceRecordSet: weighted("green", 0, "green.elb") },
          ],
        },
      }),
    );
    expect(out.ChangeInfo).toMatchObject({ Status: "PENDING", Comment: "blue/green" });
    const changeId = out.ChangeInfo?.Id ?? "";
    range.tick(29_999);
    expect((await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status).toBe("PENDING");
    range.tick(1);
    expect((await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status).toBe("INSYNC");

    const shop = (await records(id)).filter((r) => r.Name === "shop.example.com.");
    expect(shop).toEqual([
      { Name: "shop.example.com.", Type: "CNAME", SetIdentifier: "blue", Weight: 100, TTL: 60, ResourceRecords: [{ Value: "blue.elb" }] },
      { Name: "shop.example.com.", Type: "CNAME", SetIdentifier: "green", Weight: 0, TTL: 60, ResourceRecords: [{ Value: "green.elb" }] },
    ]);
  });

  it("UPSERT of both weights in one batch is applied atomically", async () => {
    const id = await newZone();
    await change(id, [
      { Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "blue.elb") },
      { Action: "CREATE", ResourceRecordSet: weighted("green", 0, "green.elb") },
    ]);
    await change(id, [
      { Action: "UPSERT", ResourceRecordSet: weighted("blue", 75, "blue.elb") },
      { Action: "UPSERT", ResourceRecordSet: weighted("green", 25, "green.elb") },
    ]);
    const weights = (await records(id)).filter((r) => r.Type === "CNAME").map((r) => [r.SetIdentifier, r.Weight]);
    expect(weights).toEqual([
      ["blue", 75],
      ["green", 25],
    ]);
  });

  it("rejects weight 256 with InvalidChangeBatch and changes nothing", async () => {
    const id = await newZone();
    await change(id, [{ Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "blue.elb") }]);
    const err = await rejection(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: {
            Changes: [
              { Action: "UPSERT", ResourceRecordSet: weighted("blue", 0, "blue.elb") },
              { Action: "CREATE", ResourceRecordSet: weighted("green", 256, "green.elb") },
            ],
          },
        }),
      ),
    );
    expect(err).toBeInstanceOf(InvalidChangeBatch);
    expect((err as Error).message).toContain("256");
    const blue = (await records(id)).find((r) => r.SetIdentifier === "blue");
    expect(blue?.Weight).toBe(100);
  });

  it("CREATE of an existing record set fails with the AWS message", async () => {
    const id = await newZone();
    const a: ResourceRecordSet = { Name: "x.example.com", Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.1" }] };
    await change(id, [{ Action: "CREATE", ResourceRecordSet: a }]);
    const err = await rejection(change(id, [{ Action: "CREATE", ResourceRecordSet: a }]));
    expect(err).toBeInstanceOf(InvalidChangeBatch);
    expect((err as Error).message).toBe("[Tried to create resource record set [name='x.example.com.', type='A'] but it already exists]");
  });

  it("DELETE must match exactly: weight, TTL, values (in any order)", async () => {
    const id = await newZone();
    await change(id, [{ Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "blue.elb") }]);
    const mismatch = await rejection(change(id, [{ Action: "DELETE", ResourceRecordSet: weighted("blue", 50, "blue.elb") }]));
    expect(mismatch).toBeInstanceOf(InvalidChangeBatch);
    expect((mismatch as Error).message).toBe(
      "[Tried to delete resource record set [name='shop.example.com.', type='CNAME', set-identifier='blue'] but the values provided do not match the current values]",
    );
    const ttl = await rejection(change(id, [{ Action: "DELETE", ResourceRecordSet: weighted("blue", 100, "blue.elb", 300) }]));
    expect(ttl).toBeInstanceOf(InvalidChangeBatch);
    const notFound = await rejection(change(id, [{ Action: "DELETE", ResourceRecordSet: weighted("green", 0, "green.elb") }]));
    expect((notFound as Error).message).toBe(
      "[Tried to delete resource record set [name='shop.example.com.', type='CNAME', set-identifier='green'] but it was not found]",
    );

    const multi: ResourceRecordSet = {
      Name: "m.example.com",
      Type: "A",
      TTL: 300,
      ResourceRecords: [{ Value: "192.0.2.1" }, { Value: "192.0.2.2" }],
    };
    await change(id, [{ Action: "CREATE", ResourceRecordSet: multi }]);
    await change(id, [{ Action: "DELETE", ResourceRecordSet: { ...multi, ResourceRecords: [{ Value: "192.0.2.2" }, { Value: "192.0.2.1" }] } }]);
    expect((await records(id)).some((r) => r.Name === "m.example.com.")).toBe(false);
  });

  it("DELETE then CREATE of the same name in one batch is valid; deleting twice is not", async () => {
    const id = await newZone();
    const cname: ResourceRecordSet = { Name: "api.example.com", Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "old.elb" }] };
    await change(id, [{ Action: "CREATE", ResourceRecordSet: cname }]);
    await change(id, [
      { Action: "DELETE", ResourceRecordSet: cname },
      { Action: "CREATE", ResourceRecordSet: { ...cname, ResourceRecords: [{ Value: "new.elb" }] } },
    ]);
    expect((await records(id)).find((r) => r.Name === "api.example.com.")?.ResourceRecords).toEqual([{ Value: "new.elb" }]);
    const twice = await rejection(
      change(id, [
        { Action: "DELETE", ResourceRecordSet: { ...cname, ResourceRecords: [{ Value: "new.elb" }] } },
        { Action: "DELETE", ResourceRecordSet: { ...cname, ResourceRecords: [{ Value: "new.elb" }] } },
      ]),
    );
    expect(twice).toBeInstanceOf(InvalidChangeBatch);
    expect((await records(id)).some((r) => r.Name === "api.example.com.")).toBe(true);
  });

  it("enforces one TTL per weighted group, no TTL on aliases, SetIdentifier with Weight", async () => {
    const id = await newZone();
    await change(id, [{ Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "blue.elb") }]);
    const ttl = await rejection(change(id, [{ Action: "CREATE", ResourceRecordSet: weighted("green", 0, "green.elb", 300) }]));
    expect(ttl).toBeInstanceOf(InvalidChangeBatch);
    expect((ttl as Error).message).toContain("same TTL");

    const aliasWithTtl = await rejection(
      change(id, [
        {
          Action: "CREATE",
          ResourceRecordSet: {
            Name: "alias.example.com",
            Type: "A",
            TTL: 60,
            AliasTarget: { HostedZoneId: id, DNSName: "shop.example.com", EvaluateTargetHealth: false },
          },
        },
      ]),
    );
    expect(aliasWithTtl).toBeInstanceOf(InvalidChangeBatch);

    const noSetId = await rejection(
      change(id, [
        { Action: "CREATE", ResourceRecordSet: { Name: "w.example.com", Type: "A", Weight: 10, TTL: 60, ResourceRecords: [{ Value: "192.0.2.9" }] } },
      ]),
    );
    expect(noSetId).toBeInstanceOf(InvalidInput);

    const mixed = await rejection(
      change(id, [
        { Action: "CREATE", ResourceRecordSet: { Name: "shop.example.com", Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "x.elb" }] } },
      ]),
    );
    expect(mixed).toBeInstanceOf(InvalidChangeBatch);

    const outside = await rejection(
      change(id, [{ Action: "CREATE", ResourceRecordSet: { Name: "www.other.org", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.9" }] } }]),
    );
    expect(outside).toBeInstanceOf(InvalidChangeBatch);
  });

  it("alias records: created without TTL, listed with their target, DELETE matched on the target", async () => {
    const id = await newZone();
    await change(id, [
      { Action: "CREATE", ResourceRecordSet: { Name: "www.example.com", Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.1" }] } },
    ]);
    const alias: ResourceRecordSet = {
      Name: "apex.example.com",
      Type: "A",
      SetIdentifier: "blue",
      Weight: 1,
      AliasTarget: { HostedZoneId: id, DNSName: "www.example.com", EvaluateTargetHealth: true },
    };
    await change(id, [{ Action: "CREATE", ResourceRecordSet: alias }]);
    const listed = (await records(id)).find((r) => r.Name === "apex.example.com.");
    expect(listed?.AliasTarget).toEqual({ HostedZoneId: id.replace("/hostedzone/", ""), DNSName: "www.example.com.", EvaluateTargetHealth: true });
    expect(listed?.TTL).toBeUndefined();
    const wrong = await rejection(
      change(id, [
        {
          Action: "DELETE",
          ResourceRecordSet: { ...alias, AliasTarget: { HostedZoneId: id, DNSName: "www.example.com", EvaluateTargetHealth: false } },
        },
      ]),
    );
    expect(wrong).toBeInstanceOf(InvalidChangeBatch);
    await change(id, [{ Action: "DELETE", ResourceRecordSet: alias }]);

    const missingTarget = await rejection(
      change(id, [
        {
          Action: "CREATE",
          ResourceRecordSet: { ...alias, AliasTarget: { HostedZoneId: id, DNSName: "nothing.example.com", EvaluateTargetHealth: false } },
        },
      ]),
    );
    expect(missingTarget).toBeInstanceOf(InvalidChangeBatch);
  });

  it("alias records to a classic ELB must name an existing load balancer in its canonical zone", async () => {
    const id = await newZone();
    const elb = new ElasticLoadBalancingClient(range.clientConfig);
    const lb = await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: "alias-target",
        Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
        AvailabilityZones: ["us-east-1a"],
      }),
    );
    elb.destroy();
    const alias = (dnsName: string): ResourceRecordSet => ({
      Name: "www.example.com",
      Type: "A",
      AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: dnsName, EvaluateTargetHealth: true },
    });
    await change(id, [{ Action: "CREATE", ResourceRecordSet: alias(`dualstack.${lb.DNSName ?? ""}`) }]);
    const missing = await rejection(change(id, [{ Action: "UPSERT", ResourceRecordSet: alias("gone-123.us-east-1.elb.amazonaws.com") }]));
    expect(missing).toBeInstanceOf(InvalidChangeBatch);
    expect((missing as Error).message).toContain("does not lie within the target zone");
  });

  it("answers InvalidInput for a malformed body", async () => {
    const id = await newZone();
    const res = await fetch(`${range.url}/2013-04-01/hostedzone/${id.replace("/hostedzone/", "")}/rrset`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>RENAME</Action></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<Code>InvalidInput</Code>");
  });

  it("answers PriorRequestNotComplete while the zone is still processing the previous batch", async () => {
    const id = await newZone();
    const once = new Route53Client({ ...range.clientConfig, maxAttempts: 1 });
    await once.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "b") }] },
      }),
    );
    const err = await rejection(
      once.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: weighted("blue", 50, "b") }] },
        }),
      ),
    );
    expect(err).toBeInstanceOf(PriorRequestNotComplete);
    range.tick(1_000);
    const ok = await once.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: weighted("blue", 50, "b") }] },
      }),
    );
    expect(ok.ChangeInfo?.Status).toBe("PENDING");
    once.destroy();
  });
});

describe("ListResourceRecordSets paging", () => {
  it("pages with MaxItems and Next* including the set identifier, in Route 53 order", async () => {
    const id = await newZone();
    await change(id, [
      { Action: "CREATE", ResourceRecordSet: weighted("blue", 100, "blue.elb") },
      { Action: "CREATE", ResourceRecordSet: weighted("green", 0, "green.elb") },
      { Action: "CREATE", ResourceRecordSet: { Name: "a.example.com", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: '"hello"' }] } },
      { Action: "CREATE", ResourceRecordSet: { Name: "a.example.com", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] } },
    ]);
    const label = (r: ResourceRecordSet): string => `${r.Name} ${r.Type}${r.SetIdentifier === undefined ? "" : ` ${r.SetIdentifier}`}`;
    const first = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id, MaxItems: 5 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.MaxItems).toBe(5);
    expect((first.ResourceRecordSets ?? []).map(label)).toEqual([
      "example.com. NS",
      "example.com. SOA",
      "a.example.com. A",
      "a.example.com. TXT",
      "shop.example.com. CNAME blue",
    ]);
    expect([first.NextRecordName, first.NextRecordType, first.NextRecordIdentifier]).toEqual(["shop.example.com.", "CNAME", "green"]);
    const second = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: id,
        MaxItems: 5,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
      }),
    );
    expect(second.IsTruncated).toBe(false);
    expect(second.NextRecordName).toBeUndefined();
    expect((second.ResourceRecordSets ?? []).map(label)).toEqual(["shop.example.com. CNAME green"]);

    const fromA = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id, StartRecordName: "a.example.com", StartRecordType: "TXT" }));
    expect((fromA.ResourceRecordSets ?? []).map(label)[0]).toBe("a.example.com. TXT");
  });
});
