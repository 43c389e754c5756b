import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing";
import { createClients } from "./clients";

// An endpoint that accepts connections and never answers: a black-holed network or a frozen emulator.
let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
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
});
