/**
 * `teal validate`: checks Teal's configuration against the live account, read-only, per application:
 * every resource it names exists, the resources fit together as its pattern needs (the target group
 * on the listener, the group attached to the load balancer, the record pointing at the load
 * balancer), and a read AWS refused is reported as denied, not as missing. Reads go through the
 * same lib/aws adapters as the observers; nothing is changed.
 */
import { isAppError } from "@/lib/domain/app-error";
import type { Color } from "@/lib/domain/basics";
import type { RecordSet } from "@/lib/domain/app-state";
import type { AwsClients } from "@/lib/aws/clients";
import { describeAsgGroups, describeTrafficSourceState, launchConfigurationExists, resolveLaunchSpec } from "@/lib/aws/autoscaling";
import { describeServices, type EcsServiceRead } from "@/lib/aws/ecs";
import { describeClassicLoadBalancer } from "@/lib/aws/elb";
import { describeAlb, describeListeners, describeRules, describeTargetGroup, type AlbInfo, type TargetGroupInfo } from "@/lib/aws/elbv2";
import { listRecordSets, resolveHostedZoneId } from "@/lib/aws/route53";
import type { AppConfig, AsgSwapAppConfig, LaunchSwapAppConfig } from "@/lib/config/schema";
import { forwardOf } from "@/lib/patterns/alb-weighted";

export type CheckStatus = "ok" | "missing" | "inconsistent" | "denied" | "error";

export interface Check {
  /** What kind of resource, e.g. "target group", "listener", "record set". */
  resource: string;
  /** The name the configuration gives it (or a short description of the relation checked). */
  name: string;
  status: CheckStatus;
  /** Why it is not ok (user-safe words; AWS's text with ARNs and account ids removed). */
  detail?: string;
}

export interface AppValidation {
  appId: string;
  pattern: AppConfig["pattern"];
  region: string;
  checks: Check[];
}

const COLORS: readonly Color[] = ["blue", "green"];

/** Whether an error of a read says the resource is not there (AWS's NotFound codes, or an adapter's not_found). */
function isMissing(err: unknown): boolean {
  return isAppError(err) && (err.code === "not_found" || /NotFound|NoSuch/.test(err.awsName ?? ""));
}

/** The user-safe text of an error (lib/aws/errors.ts has already removed ARNs and account ids). */
function textOf(err: unknown): string {
  return isAppError(err) ? err.userMessage : "the read failed";
}

class Checks {
  readonly list: Check[] = [];

  ok(resource: string, name: string): void {
    this.list.push({ resource, name, status: "ok" });
  }

  fail(resource: string, name: string, status: Exclude<CheckStatus, "ok">, detail: string): void {
    this.list.push({ resource, name, status, detail });
  }

  /**
   * Runs one read: ok and its value, or the read's failure classified (missing, denied, error) and
   * null. `absent` tells a read that answered "nothing" (an empty ARN) from one that found it.
   */
  async read<T>(resource: string, name: string, read: () => Promise<T>, absent?: (value: T) => boolean): Promise<T | null>;
  async read<T>(resource: string, name: string, read: () => Promise<T>, opts: { quiet: true }): Promise<{ value: T } | null>;
  async read<T>(
    resource: string,
    name: string,
    read: () => Promise<T>,
    opt?: ((value: T) => boolean) | { quiet: true },
  ): Promise<T | { value: T } | null> {
    try {
      const value = await read();
      // Quiet: the caller reports the outcome itself (only a failed read is written here).
      if (typeof opt === "object") return { value };
      if (opt?.(value) === true) {
        this.fail(resource, name, "missing", `${resource} ${name} does not exist`);
        return null;
      }
      this.ok(resource, name);
      return value;
    } catch (err) {
      if (isMissing(err)) this.fail(resource, name, "missing", `${resource} ${name} does not exist`);
      else if (isAppError(err) && err.code === "forbidden")
        this.fail(resource, name, "denied", `reading ${resource} ${name} was denied: ${textOf(err)}`);
      else this.fail(resource, name, "error", textOf(err));
      return null;
    }
  }

  consistent(resource: string, name: string, holds: boolean, detail: string): void {
    if (holds) this.ok(resource, name);
    else this.fail(resource, name, "inconsistent", detail);
  }
}

/** A DNS name without its trailing dot, in lower case and without the `dualstack.` prefix of an alias. */
function hostOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");
}

/** What a record set points at: its alias target, or its first value. */
function targetOf(record: RecordSet): string {
  return hostOf(record.aliasTarget?.dnsName ?? record.values[0] ?? "");
}

/** The hosted zone and the weighted record sets of both colours; each colour's record set, or null. */
async function checkRecords(
  c: Checks,
  clients: AwsClients,
  dns: { hostedZone: string; recordName: string; recordType: string },
  setIdentifiers: Record<Color, string>,
): Promise<Record<Color, RecordSet | null>> {
  const none = { blue: null, green: null };
  const zoneId = await c.read("hosted zone", dns.hostedZone, () => resolveHostedZoneId(clients.route53, dns.hostedZone));
  if (zoneId === null) return none;
  const records = await c.read("record sets", `${dns.recordName} ${dns.recordType}`, () =>
    listRecordSets(clients.route53, zoneId, dns.recordName, dns.recordType),
  );
  if (records === null) return none;
  const out: Record<Color, RecordSet | null> = { blue: null, green: null };
  for (const color of COLORS) {
    const id = setIdentifiers[color];
    const record = records.find((r) => r.setIdentifier === id) ?? null;
    if (record === null) c.fail("record set", `${dns.recordName} (${id})`, "missing", `no ${dns.recordType} record set with SetIdentifier ${id}`);
    else c.consistent("record set", `${dns.recordName} (${id})`, record.weight !== null, `the record set with SetIdentifier ${id} is not weighted`);
    out[color] = record;
  }
  return out;
}

async function checkAlb(c: Checks, clients: AwsClients, name: string): Promise<AlbInfo | null> {
  return c.read(
    "load balancer",
    name,
    () => describeAlb(clients.elbv2, name),
    (alb) => alb.arn === "",
  );
}

async function checkTargetGroup(c: Checks, clients: AwsClients, name: string, alb: AlbInfo | null): Promise<TargetGroupInfo | null> {
  const tg = await c.read(
    "target group",
    name,
    () => describeTargetGroup(clients.elbv2, name),
    (g) => g.arn === "",
  );
  if (tg !== null && alb !== null) {
    c.consistent(
      "target group",
      `${name} on ${alb.name}`,
      tg.loadBalancerArns.includes(alb.arn),
      `target group ${name} is not used by load balancer ${alb.name}`,
    );
  }
  return tg;
}

/** The ECS cluster's services by name (null for a missing one); the cluster itself is reported missing when ECS says so. */
async function checkServices(c: Checks, clients: AwsClients, cluster: string, names: string[]): Promise<Map<string, EcsServiceRead | null>> {
  const found = await c.read("ECS cluster", cluster, () => describeServices(clients.ecs, cluster, names));
  const out = new Map<string, EcsServiceRead | null>();
  for (const name of names) {
    const service = found?.get(name) ?? null;
    if (found !== null) {
      if (service === null) c.fail("ECS service", `${cluster}/${name}`, "missing", `service ${name} does not exist in cluster ${cluster}`);
      else c.ok("ECS service", `${cluster}/${name}`);
    }
    out.set(name, service);
  }
  return out;
}

function checkServiceInGroup(c: Checks, service: EcsServiceRead | null, name: string, tg: TargetGroupInfo | null): void {
  if (service === null || tg === null) return;
  c.consistent(
    "ECS service",
    `${name} in ${tg.name}`,
    service.targetGroupArns.includes(tg.arn),
    `service ${name} does not register its tasks in target group ${tg.name}`,
  );
}

async function checkAsgLoadBalancer(c: Checks, clients: AwsClients, app: AsgSwapAppConfig | LaunchSwapAppConfig, groups: string[]): Promise<void> {
  const lb = app.loadBalancer;
  let identifier: string | null = null;
  let label = "";
  if (lb.kind === "classic") {
    const found = await c.read("classic load balancer", lb.name, () => describeClassicLoadBalancer(clients.elb, lb.name));
    identifier = found === null ? null : lb.name;
    label = lb.name;
  } else {
    const alb = lb.loadBalancer === undefined ? null : await checkAlb(c, clients, lb.loadBalancer);
    const tg = await checkTargetGroup(c, clients, lb.targetGroup, alb);
    identifier = tg?.arn ?? null;
    label = lb.targetGroup;
  }
  if (identifier === null) return;
  const attached: string[] = [];
  for (const group of groups) {
    const state = await c.read("attachment", `${group} → ${label}`, () => describeTrafficSourceState(clients.autoscaling, group, identifier), {
      quiet: true,
    });
    // Removing and Removed: detached or on the way out (DescribeTrafficSources states).
    if (state !== null && state.value !== null && !/^Remov/.test(state.value)) attached.push(group);
  }
  if (app.pattern === "launch-swap") {
    for (const group of groups) {
      c.consistent("attachment", `${group} → ${label}`, attached.includes(group), `Auto Scaling group ${group} is not attached to ${label}`);
    }
  } else if (groups.length === 2) {
    // asg-swap attaches and detaches the groups itself (an idle green is detached): one of them must serve.
    c.consistent(
      "attachment",
      `${groups.join(" or ")} → ${label}`,
      attached.length > 0,
      `neither ${groups.join(" nor ")} is attached to ${label}: nothing serves the application`,
    );
  }
}

async function checkGroups(c: Checks, clients: AwsClients, names: string[]): Promise<string[]> {
  const present: string[] = [];
  for (const name of names) {
    const found = await c.read(
      "Auto Scaling group",
      name,
      async () => (await describeAsgGroups(clients.autoscaling, [name])).get(name),
      (g) => g === undefined,
    );
    if (found !== null) present.push(name);
  }
  return present;
}

async function validateDnsAlbPointing(
  c: Checks,
  records: Record<Color, RecordSet | null>,
  color: Color,
  lbName: string,
  dnsName: string | null,
): Promise<void> {
  const record = records[color];
  if (record === null || dnsName === null) return;
  c.consistent(
    "record set",
    `${record.setIdentifier ?? color} → ${lbName}`,
    targetOf(record) === hostOf(dnsName),
    `${color}'s record set does not point at load balancer ${lbName}`,
  );
}

/** Every check of one application, in the order a reader follows them. */
export async function validateApp(clients: AwsClients, app: AppConfig): Promise<AppValidation> {
  const c = new Checks();
  switch (app.pattern) {
    case "dns-weighted": {
      const records = await checkRecords(c, clients, app.dns, { blue: app.blue.setIdentifier, green: app.green.setIdentifier });
      for (const color of COLORS) {
        const name = app[color].loadBalancer;
        const lb = await c.read("classic load balancer", name, () => describeClassicLoadBalancer(clients.elb, name));
        await validateDnsAlbPointing(c, records, color, name, lb?.dnsName ?? null);
      }
      break;
    }
    case "ecs-dns-swap": {
      const records = await checkRecords(c, clients, app.dns, { blue: app.blue.setIdentifier, green: app.green.setIdentifier });
      const services = await checkServices(c, clients, app.cluster, [app.blue.service, app.green.service]);
      for (const color of COLORS) {
        const side = app[color];
        const alb = await checkAlb(c, clients, side.loadBalancer);
        await validateDnsAlbPointing(c, records, color, side.loadBalancer, alb?.dnsName ?? null);
        if (side.targetGroup !== undefined) {
          const tg = await checkTargetGroup(c, clients, side.targetGroup, alb);
          checkServiceInGroup(c, services.get(side.service) ?? null, side.service, tg);
        }
      }
      break;
    }
    case "ecs-rolling": {
      const services = await checkServices(c, clients, app.cluster, [app.service]);
      const alb = app.loadBalancer === undefined ? null : await checkAlb(c, clients, app.loadBalancer);
      if (app.targetGroup !== undefined) {
        const tg = await checkTargetGroup(c, clients, app.targetGroup, alb);
        checkServiceInGroup(c, services.get(app.service) ?? null, app.service, tg);
      }
      break;
    }
    case "ecs-elb-swap": {
      const services = await checkServices(c, clients, app.cluster, [app.blue.service, app.green.service]);
      const alb = await checkAlb(c, clients, app.loadBalancer);
      const groups = new Map<string, TargetGroupInfo | null>();
      for (const color of COLORS) {
        const name = app[color].targetGroup;
        if (!groups.has(name)) groups.set(name, await checkTargetGroup(c, clients, name, alb));
        checkServiceInGroup(c, services.get(app[color].service) ?? null, app[color].service, groups.get(name) ?? null);
      }
      break;
    }
    case "alb-weighted": {
      const alb = await checkAlb(c, clients, app.loadBalancer);
      const groups = {
        blue: await checkTargetGroup(c, clients, app.blue.targetGroup, alb),
        green: await checkTargetGroup(c, clients, app.green.targetGroup, alb),
      };
      if (alb === null) break;
      const listeners = await c.read("listeners", alb.name, () => describeListeners(clients.elbv2, alb.arn));
      if (listeners === null) break;
      const listener = listeners.find((l) => l.port === app.listenerPort);
      if (listener === undefined) {
        c.fail(
          "listener",
          `${app.loadBalancer}:${app.listenerPort}`,
          "missing",
          `load balancer ${app.loadBalancer} has no listener on port ${app.listenerPort}`,
        );
        break;
      }
      c.ok("listener", `${app.loadBalancer}:${app.listenerPort}`);
      let actions = listener.actions;
      let where = `the listener on port ${app.listenerPort}`;
      if (app.rulePriority !== undefined) {
        const priority = String(app.rulePriority);
        const rules = await c.read("rules", `${app.loadBalancer}:${app.listenerPort}`, () => describeRules(clients.elbv2, listener.arn));
        if (rules === null) break;
        const rule = rules.find((r) => r.priority === priority);
        if (rule === undefined) {
          c.fail("rule", `priority ${priority}`, "missing", `${where} has no rule with priority ${priority}`);
          break;
        }
        c.ok("rule", `priority ${priority}`);
        actions = rule.actions;
        where = `the rule with priority ${priority}`;
      }
      const forward = forwardOf(actions);
      for (const color of COLORS) {
        const tg = groups[color];
        if (tg === null) continue;
        const onIt = forward?.targetGroups.some((g) => g.arn === tg.arn) ?? false;
        c.consistent("forward action", `${tg.name} in ${where}`, onIt, `target group ${tg.name} is not in the forward action of ${where}`);
      }
      break;
    }
    case "asg-swap": {
      const present = await checkGroups(c, clients, [app.blue.autoScalingGroup, app.green.autoScalingGroup]);
      await checkAsgLoadBalancer(c, clients, app, present);
      break;
    }
    case "launch-swap": {
      const present = await checkGroups(c, clients, [app.autoScalingGroup]);
      for (const color of COLORS) {
        const spec = app[color];
        if ("launchConfiguration" in spec) {
          const name = spec.launchConfiguration;
          await c.read(
            "launch configuration",
            name,
            () => launchConfigurationExists(clients.autoscaling, name),
            (exists) => !exists,
          );
          continue;
        }
        const t = spec.launchTemplate;
        const label = `${t.name ?? t.id ?? ""} version ${t.version}`;
        await c.read("launch template", label, () =>
          resolveLaunchSpec(clients.ec2, {
            kind: "launch-template",
            ...(t.id !== undefined ? { id: t.id } : {}),
            ...(t.name !== undefined ? { name: t.name } : {}),
            version: t.version,
          }),
        );
      }
      await checkAsgLoadBalancer(c, clients, app, present);
      break;
    }
  }
  return { appId: app.id, pattern: app.pattern, region: app.region, checks: c.list };
}

/** The checks as a plain-text table per application, the failures with their reason. */
export function formatValidation(results: readonly AppValidation[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const bad = r.checks.filter((c) => c.status !== "ok").length;
    lines.push(`${r.appId} (${r.pattern}, ${r.region}): ${bad === 0 ? "all good" : `${bad} problem${bad === 1 ? "" : "s"}`}`);
    const width = Math.max(8, ...r.checks.map((c) => c.resource.length));
    const nameWidth = Math.min(60, Math.max(4, ...r.checks.map((c) => c.name.length)));
    for (const c of r.checks) {
      const row = `  ${c.status.toUpperCase().padEnd(12)} ${c.resource.padEnd(width)}  ${c.name.padEnd(nameWidth)}`;
      lines.push(c.detail !== undefined ? `${row}  ${c.detail}` : row.trimEnd());
    }
    lines.push("");
  }
  return lines.join("\n");
}
