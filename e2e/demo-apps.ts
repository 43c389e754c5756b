/**
 * The practice range's demo applications as the specs know them: read from teal.config.yaml, the one
 * definition the range's seed also builds its world from (range/demo/demo-apps.ts). Specs take
 * application ids, names and resource names from here rather than repeating them.
 */
import type { AppConfig, DnsWeightedAppConfig, EcsDnsSwapAppConfig } from "../lib/config/schema";
import { classicLoadBalancer, demoApps, firstOf } from "../range/demo/demo-apps";

const apps = demoApps();

/** Every demo application, in the config's order. */
export const DEMO_APPS: readonly AppConfig[] = apps.all;
/** dns-weighted: weighted CNAMEs to a classic ELB per colour. */
export const SHOP = firstOf(apps.dnsWeighted, "dns-weighted");
/** ecs-dns-swap: two ECS services behind their own ALBs, weighted alias records. */
export const PROFILE = firstOf(apps.ecsDnsSwap, "ecs-dns-swap");
/** ecs-rolling: one ECS service rolled from revision to revision. */
export const NOTIFICATIONS = firstOf(apps.ecsRolling, "ecs-rolling");
/** alb-weighted: one ALB listener forwarding to two weighted target groups. */
export const CATALOG = firstOf(apps.albWeighted, "alb-weighted");
/** ecs-elb-swap: two ECS services in one target group. */
export const ORDERS = firstOf(apps.ecsElbSwap, "ecs-elb-swap");
/** asg-swap: two Auto Scaling groups behind one classic ELB. */
export const PAYMENTS = firstOf(apps.asgSwap, "asg-swap");
/** launch-swap between two launch configurations. */
export const CHECKOUT = firstOf(apps.launchConfigurations, "launch-swap (launch configurations)");
/** launch-swap between two versions of a launch template. */
export const SEARCH = firstOf(apps.launchTemplates, "launch-swap (launch template)");

export { classicLoadBalancer };

/** The demo application with this id (a spec may be pointed at another one with E2E_APP_ID). */
export function demoApp(id: string): AppConfig {
  const app = apps.all.find((a) => a.id === id);
  if (!app) throw new Error(`No demo application ${id} in teal.config.yaml.`);
  return app;
}

/** The weighted record and hosted zone of a DNS-switched demo application. */
export function dnsOf(id: string): { recordName: string; hostedZone: string } {
  const app = demoApp(id);
  if (app.pattern !== "dns-weighted" && app.pattern !== "ecs-dns-swap") throw new Error(`${id} is not switched by DNS.`);
  const dns = (app as DnsWeightedAppConfig | EcsDnsSwapAppConfig).dns;
  return { recordName: dns.recordName, hostedZone: dns.hostedZone.endsWith(".") ? dns.hostedZone : `${dns.hostedZone}.` };
}

/** A RegExp matching this text literally. */
export function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
