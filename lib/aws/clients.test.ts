import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing";
import { MAXIMUM_RETRY_DELAY, Retry } from "@smithy/core/retry";
import { callBoundMs, callLimitsOf, createClients, SDK_BACKOFF_MS } from "./clients";

// An endpoint that accepts connections and never answers: a black-holed network or a frozen emulator.
let server: Server;
let url: string;
const sockets = new Set<Socket>();
/** Connections the endpoint accepted (one per SDK attempt: a timed-out or aborted attempt's socket is destroyed). */
let accepted = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("createClients", () => {
  it("fails a call whose endpoint never answers, after the request timeout of each attempt", async () => {
    const clients = createClients({ region: "us-east-1", endpoint: url, requestTimeoutMs: 300, maxAttempts: 2 });
    const started = Date.now();
    const error: unknown = await clients.elb.send(new DescribeLoadBalancersCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("TimeoutError");
    // Both attempts were made and timed out; the call did not hang.
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it("aborts a call on its signal: the attempt on the wire is dropped and no retry is sent", async () => {
    const clients = createClients({ region: "us-east-1", endpoint: url, requestTimeoutMs: 5_000, maxAttempts: 3 });
    const before = accepted;
    const controller = new AbortController();
    const started = Date.now();
    const call = clients.elb.send(new DescribeLoadBalancersCommand({}), { abortSignal: controller.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    const error = await call;
    expect((error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(1_000);
    // Give a retry every chance to be sent: none is.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(accepted - before).toBe(1);
  });

  it("bounds a call from its configuration: attempts × (connection + answer limit) + the SDK's longest backoff", async () => {
    // The backoff constants are the installed SDK's own.
    expect(SDK_BACKOFF_MS.throttlingBase).toBe(Retry.throttlingDelay());
    expect(SDK_BACKOFF_MS.ceiling).toBe(MAXIMUM_RETRY_DELAY);
    // The product's plan-call clients: 3 attempts × (3 s + 15 s) + (1 + 5) s + (2 + 5) s.
    const limits = createClients({ region: "us-east-1", endpoint: url }).limits;
    expect(limits).toEqual(callLimitsOf({}));
    expect(callBoundMs(limits)).toBe(67_000);
    // The clients really are configured so: their own settings, read back.
    const client = createClients({ region: "us-east-1", endpoint: url }).route53;
    expect(await client.config.maxAttempts()).toBe(limits.maxAttempts);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: "standard" });
    // A never-answered call with small limits ends within its bound.
    const small = createClients({ region: "us-east-1", endpoint: url, requestTimeoutMs: 200, connectionTimeoutMs: 100, maxAttempts: 2 });
    const started = Date.now();
    await small.elb.send(new DescribeLoadBalancersCommand({})).catch(() => undefined);
    expect(Date.now() - started).toBeLessThanOrEqual(callBoundMs(small.limits));
  });
});
