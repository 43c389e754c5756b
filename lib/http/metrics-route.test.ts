import { describe, expect, it } from "vitest";
import { counter } from "@/lib/telemetry/metrics";
import { metricsResponse } from "./metrics-route";

const TOKEN = "metrics-token-0123456789abcdef";
const request = (authorization?: string) => new Request("http://127.0.0.1:3000/metrics", authorization ? { headers: { authorization } } : {});

describe("/metrics", () => {
  counter("test_route_probe_total", "A metric the scrape must show.").inc({ kind: "probe" });

  it("answers the text format 0.0.4 to anyone when no token is configured", async () => {
    const res = metricsResponse(request(), undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await res.text();
    expect(body).toContain("# TYPE test_route_probe_total counter");
    expect(body).toMatch(/^test_route_probe_total\{kind="probe"\} 1$/m);
    // Teal's own metrics are declared by the modules that count them; the AWS ones are among them.
    expect(body).toContain("# TYPE teal_aws_requests_total counter");
  });

  it("with a token configured, answers 401 without it or with a wrong one, and the metrics with it", async () => {
    for (const header of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`, `Bearer  ${TOKEN}`]) {
      const res = metricsResponse(request(header), TOKEN);
      expect(res.status, String(header)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = await res.text();
      expect(body).not.toContain("teal_");
      expect(JSON.parse(body)).toMatchObject({ error: { code: "unauthenticated" } });
    }
    const ok = metricsResponse(request(`Bearer ${TOKEN}`), TOKEN);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("test_route_probe_total");
  });
});
