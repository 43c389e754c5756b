/**
 * `teal discover`: the configuration the account's `teal:*` tags describe. A resource tagged
 * `teal:app` belongs to that application; `teal:pattern` names its pattern; `teal:color` (blue or
 * green) says which colour a resource serves. What tags cannot carry is read from the resources
 * themselves: the weighted record sets that point at each colour's load balancer (record sets have no
 * tags), the target group a service registers into, the listener whose forward action holds both
 * target groups. What cannot be told at all is said, and such an application is left out of the
 * configuration rather than guessed.
 */
import { stringify } from "yaml";
import type { Color } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import { describeListeners, describeRules } from "@/lib/aws/elbv2";
import { readInventory, type Inventory } from "@/lib/aws/inventory";
import { appConfigSchema, tealConfigSchema, type AppConfig } from "@/lib/config/schema";
import { forwardOf } from "@/lib/patterns/alb-weighted";

const PATTERNS = new Set<string>(["dns-weighted", "asg-swap", "launch-swap", "ecs-dns-swap", "ecs-elb-swap", "ecs-rolling", "alb-weighted"]);

export interface Discovery {
  /** The applications fully determined, each valid for the config schema. */
  applications: AppConfig[];
  /** Per application id, what could not be determined (an application listed here with no config was left out). */
  notes: { appId: string; note: string }[];
  /** Kinds of resources that could not be read at all. */
  unread: string[];
}

/** Any resource of the inventory, as far as the tags go. */
interface Tagged {
  tags: Record<string, string>;
}

function ofApp<T extends Tagged>(items: readonly T[], appId: string): T[] {
  return items.filter((r) => r.tags["teal:app"] === appId);
}

function ofColor<T extends Tagged>(items: readonly T[], color: Color): T | undefined {
  return items.find((r) => r.tags["teal:color"] === color);
}

function hostOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");
}

class Found {
  readonly notes: { appId: string; note: string }[] = [];
  constructor(readonly appId: string) {}
  missing(note: string): null {
    this.notes.push({ appId: this.appId, note });
    return null;
  }
}

/** The weighted record set pointing at a load balancer's DNS name, with its zone. */
function recordFor(inv: Inventory, dnsName: string): Inventory["records"][number] | undefined {
  const host = hostOf(dnsName);
  return inv.records.find((r) => hostOf(r.aliasTarget?.dnsName ?? r.values[0] ?? "") === host);
}

/** Both colours' weighted record sets, which must share a name and type. */
function dnsOf(
  f: Found,
  inv: Inventory,
  dnsNames: Record<Color, string>,
): { dns: { hostedZone: string; recordName: string; recordType: string }; setIdentifiers: Record<Color, string> } | null {
  const blue = recordFor(inv, dnsNames.blue);
  const green = recordFor(inv, dnsNames.green);
  if (blue === undefined || green === undefined) return f.missing("no weighted record set points at each colour's load balancer");
  if (blue.name !== green.name || blue.type !== green.type || blue.zone !== green.zone) {
    return f.missing(`the colours' record sets differ (${blue.name} ${blue.type}, ${green.name} ${green.type})`);
  }
  return {
    dns: { hostedZone: blue.zone, recordName: blue.name, recordType: blue.type },
    setIdentifiers: { blue: blue.setIdentifier ?? "", green: green.setIdentifier ?? "" },
  };
}

function byArn<T extends { arn: string }>(items: readonly T[], arn: string | undefined): T | undefined {
  return arn === undefined ? undefined : items.find((i) => i.arn === arn);
}

async function discoverApp(clients: AwsClients, inv: Inventory, appId: string, f: Found): Promise<AppConfig | null> {
  const mine = {
    classic: ofApp(inv.classic, appId),
    albs: ofApp(inv.albs, appId),
    targetGroups: ofApp(inv.targetGroups, appId),
    groups: ofApp(inv.groups, appId),
    services: ofApp(inv.services, appId),
  };
  const patterns = new Set(
    [...mine.classic, ...mine.albs, ...mine.targetGroups, ...mine.groups, ...mine.services]
      .map((r) => r.tags["teal:pattern"])
      .filter((p) => p !== undefined),
  );
  if (patterns.size !== 1)
    return f.missing(patterns.size === 0 ? "no resource carries teal:pattern" : `its resources name several patterns: ${[...patterns].join(", ")}`);
  const pattern = [...patterns][0] ?? "";
  if (!PATTERNS.has(pattern)) return f.missing(`teal:pattern ${pattern} is not a pattern Teal knows`);
  const base = { id: appId, name: appId, pattern, region: clients.region };

  switch (pattern) {
    case "dns-weighted": {
      const lbs = { blue: ofColor(mine.classic, "blue"), green: ofColor(mine.classic, "green") };
      if (!lbs.blue || !lbs.green) return f.missing("no classic load balancer tagged for each colour");
      const dns = dnsOf(f, inv, { blue: lbs.blue.dnsName, green: lbs.green.dnsName });
      if (!dns) return null;
      return parsed(f, {
        ...base,
        dns: dns.dns,
        blue: { setIdentifier: dns.setIdentifiers.blue, loadBalancer: lbs.blue.name },
        green: { setIdentifier: dns.setIdentifiers.green, loadBalancer: lbs.green.name },
      });
    }
    case "ecs-dns-swap": {
      const services = { blue: ofColor(mine.services, "blue"), green: ofColor(mine.services, "green") };
      const albs = { blue: ofColor(mine.albs, "blue"), green: ofColor(mine.albs, "green") };
      if (!services.blue || !services.green) return f.missing("no ECS service tagged for each colour");
      if (!albs.blue || !albs.green) return f.missing("no load balancer tagged for each colour");
      if (services.blue.cluster !== services.green.cluster) return f.missing("the colours' services are in different clusters");
      const dns = dnsOf(f, inv, { blue: albs.blue.dnsName, green: albs.green.dnsName });
      if (!dns) return null;
      const side = (color: Color) => {
        const service = services[color];
        const tg = byArn(inv.targetGroups, service?.targetGroupArns[0]);
        return {
          service: service?.name ?? "",
          setIdentifier: dns.setIdentifiers[color],
          loadBalancer: albs[color]?.name ?? "",
          ...(tg ? { targetGroup: tg.name } : {}),
        };
      };
      return parsed(f, { ...base, cluster: services.blue.cluster, dns: dns.dns, blue: side("blue"), green: side("green") });
    }
    case "ecs-rolling": {
      const [service, other] = mine.services;
      if (!service || other) return f.missing("not exactly one ECS service tagged for it");
      const tg = byArn(inv.targetGroups, service.targetGroupArns[0]);
      const alb = byArn(inv.albs, tg?.loadBalancerArns[0]);
      return parsed(f, {
        ...base,
        cluster: service.cluster,
        service: service.name,
        ...(alb ? { loadBalancer: alb.name } : {}),
        ...(tg ? { targetGroup: tg.name } : {}),
      });
    }
    case "ecs-elb-swap": {
      const services = { blue: ofColor(mine.services, "blue"), green: ofColor(mine.services, "green") };
      if (!services.blue || !services.green) return f.missing("no ECS service tagged for each colour");
      const tgs = {
        blue: byArn(inv.targetGroups, services.blue.targetGroupArns[0]),
        green: byArn(inv.targetGroups, services.green.targetGroupArns[0]),
      };
      if (!tgs.blue || !tgs.green) return f.missing("a colour's service registers into no target group");
      const alb = byArn(inv.albs, tgs.blue.loadBalancerArns[0]);
      if (!alb) return f.missing(`target group ${tgs.blue.name} is on no load balancer`);
      f.missing("totalTasks (the task budget both colours share) is not in the account: left to its default, both services' desired counts");
      return parsed(f, {
        ...base,
        cluster: services.blue.cluster,
        loadBalancer: alb.name,
        blue: { service: services.blue.name, targetGroup: tgs.blue.name },
        green: { service: services.green.name, targetGroup: tgs.green.name },
      });
    }
    case "alb-weighted": {
      const tgs = { blue: ofColor(mine.targetGroups, "blue"), green: ofColor(mine.targetGroups, "green") };
      if (!tgs.blue || !tgs.green) return f.missing("no target group tagged for each colour");
      const alb = mine.albs.find((a) => a.tags["teal:pattern"] !== undefined) ?? byArn(inv.albs, tgs.blue.loadBalancerArns[0]);
      if (!alb) return f.missing("no load balancer for it");
      const holds = (actions: Parameters<typeof forwardOf>[0]) => {
        const arns = forwardOf(actions)?.targetGroups.map((g) => g.arn) ?? [];
        return arns.includes(tgs.blue?.arn ?? "") && arns.includes(tgs.green?.arn ?? "");
      };
      for (const listener of await describeListeners(clients.elbv2, alb.arn)) {
        if (holds(listener.actions))
          return parsed(f, {
            ...base,
            loadBalancer: alb.name,
            listenerPort: listener.port,
            blue: { targetGroup: tgs.blue.name },
            green: { targetGroup: tgs.green.name },
          });
        const rule = (await describeRules(clients.elbv2, listener.arn)).find((r) => !r.isDefault && holds(r.actions));
        if (rule) {
          return parsed(f, {
            ...base,
            loadBalancer: alb.name,
            listenerPort: listener.port,
            rulePriority: Number(rule.priority),
            blue: { targetGroup: tgs.blue.name },
            green: { targetGroup: tgs.green.name },
          });
        }
      }
      return f.missing(`no listener or rule of ${alb.name} forwards to both target groups`);
    }
    case "asg-swap":
    case "launch-swap": {
      const attached = new Set(mine.groups.flatMap((g) => g.attachedTo));
      const classic = mine.classic.find((lb) => attached.has(lb.name));
      const tg = mine.targetGroups.find((g) => attached.has(g.arn)) ?? inv.targetGroups.find((g) => attached.has(g.arn));
      const loadBalancer = classic
        ? { kind: "classic", name: classic.name }
        : tg
          ? {
              kind: "target-group",
              targetGroup: tg.name,
              ...(byArn(inv.albs, tg.loadBalancerArns[0]) ? { loadBalancer: byArn(inv.albs, tg.loadBalancerArns[0])?.name } : {}),
            }
          : null;
      if (!loadBalancer) return f.missing("its groups are attached to no load balancer");
      if (pattern === "launch-swap") {
        const [group] = mine.groups;
        return f.missing(
          `group ${group?.name ?? "?"} behind ${classic?.name ?? tg?.name ?? "?"}: which launch configuration or template version is blue and which is green is not in the account (launch configurations carry no tags); write them into the config by hand`,
        );
      }
      const groups = { blue: ofColor(mine.groups, "blue"), green: ofColor(mine.groups, "green") };
      if (!groups.blue || !groups.green) return f.missing("no Auto Scaling group tagged for each colour");
      f.missing("idleCapacity (green's size while idle) is not in the account: left to its default, 0");
      return parsed(f, { ...base, loadBalancer, blue: { autoScalingGroup: groups.blue.name }, green: { autoScalingGroup: groups.green.name } });
    }
  }
  return null;
}

/** The application through the config schema (its defaults filled in), or a note saying why it does not fit. */
function parsed(f: Found, candidate: Record<string, unknown>): AppConfig | null {
  const result = appConfigSchema.safeParse(candidate);
  if (!result.success) return f.missing(`what was found does not make a valid application: ${result.error.issues.map((i) => i.message).join("; ")}`);
  return result.data;
}

/** Discovers the applications tagged in the clients' account and Region, in the order of their ids. */
export async function discover(clients: AwsClients): Promise<Discovery> {
  const inv = await readInventory(clients);
  const ids = new Set<string>();
  for (const r of [...inv.classic, ...inv.albs, ...inv.targetGroups, ...inv.groups, ...inv.services]) {
    const id = r.tags["teal:app"];
    if (id !== undefined) ids.add(id);
  }
  const applications: AppConfig[] = [];
  const notes: Discovery["notes"] = [];
  for (const id of [...ids].sort()) {
    const f = new Found(id);
    const app = await discoverApp(clients, inv, id, f);
    if (app) applications.push(app);
    notes.push(...f.notes);
  }
  return { applications, notes, unread: inv.unread };
}

/**
 * The discovery as a teal.config.yaml: the applications, each note as a comment above its
 * application (or at the end for one left out). Checked against the config schema before it is printed.
 */
export function discoveryYaml(d: Discovery): string {
  const lines = [
    "# Written by teal discover from the account's teal:app, teal:color and teal:pattern tags.",
    "# Names are the application ids: give each a readable name.",
  ];
  if (d.applications.length > 0) {
    // Throws if the result is not a configuration Teal would load: better than printing one.
    tealConfigSchema.parse({ applications: d.applications });
    lines.push("applications:");
    for (const app of d.applications) {
      for (const n of d.notes.filter((x) => x.appId === app.id)) lines.push(`  # ${n.note}`);
      lines.push(
        stringify([app])
          .trimEnd()
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n"),
      );
    }
  } else lines.push("# No application could be determined.", "applications: []");
  const left = d.notes.filter((n) => !d.applications.some((a) => a.id === n.appId));
  if (left.length > 0) {
    lines.push("", "# Left out (could not be determined):");
    for (const n of left) lines.push(`#   ${n.appId}: ${n.note}`);
  }
  for (const u of d.unread) lines.push(`# Not read: ${u}`);
  return `${lines.join("\n")}\n`;
}
