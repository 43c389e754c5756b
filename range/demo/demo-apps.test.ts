// The demo applications are defined once, in teal.config.yaml: the seed and the tests read them here.
import { describe, expect, it } from "vitest";
import { parseTealConfig } from "@/lib/config/load";
import { demoApps, demoAppsOf, stem } from "./demo-apps";

describe("demo applications", () => {
  it("are the applications of the repository's teal.config.yaml, one of each kind the seed builds", () => {
    const apps = demoApps();
    expect(apps.all.map((a) => a.id)).toEqual([
      "shop",
      "profile-service",
      "notifications",
      "catalog-api",
      "orders-service",
      "payments-api",
      "checkout-web",
      "search-api",
    ]);
    expect(apps.dnsWeighted.map((a) => a.id)).toEqual(["shop"]);
    expect(apps.ecsDnsSwap.map((a) => a.id)).toEqual(["profile-service"]);
    expect(apps.ecsRolling.map((a) => a.id)).toEqual(["notifications"]);
    expect(apps.albWeighted.map((a) => a.id)).toEqual(["catalog-api"]);
    expect(apps.ecsElbSwap.map((a) => a.id)).toEqual(["orders-service"]);
    expect(apps.asgSwap.map((a) => a.id)).toEqual(["payments-api"]);
    expect(apps.launchConfigurations.map((a) => a.id)).toEqual(["checkout-web"]);
    expect(apps.launchTemplates.map((a) => a.id)).toEqual(["search-api"]);
    expect(apps.all.map(stem)).toEqual(["shop", "profile", "notifications", "catalog", "orders", "payments", "checkout", "search"]);
  });

  it("take a new application from the file alone", () => {
    const config = parseTealConfig(`
applications:
  - { id: shop, name: Shop, pattern: dns-weighted, dns: { hostedZone: example.com., recordName: shop.example.com. }, blue: { setIdentifier: blue, loadBalancer: shop-blue }, green: { setIdentifier: green, loadBalancer: shop-green } }
  - { id: media-api, name: Media API, pattern: alb-weighted, loadBalancer: media-alb, blue: { targetGroup: media-blue }, green: { targetGroup: media-green } }
  - { id: reports-web, name: Reports, pattern: launch-swap, autoScalingGroup: reports, loadBalancer: { kind: classic, name: reports-lb }, blue: { launchTemplate: { name: reports, version: "1" } }, green: { launchTemplate: { name: reports, version: "2" } } }
`);
    const apps = demoAppsOf(config);
    expect(apps.albWeighted.map((a) => [a.id, a.loadBalancer, a.blue.targetGroup])).toEqual([["media-api", "media-alb", "media-blue"]]);
    expect(apps.launchTemplates.map((a) => a.id)).toEqual(["reports-web"]);
    expect(apps.launchConfigurations).toEqual([]);
    expect(apps.all).toHaveLength(3);
  });
});
