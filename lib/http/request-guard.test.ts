// The request check of proxy.ts on its own: what it refuses and, as much, what it lets through
// (a server action exactly as React encodes plain data from one of Teal's pages). The same
// requests go over the wire to the built server in e2e/bad-requests.spec.ts.
import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT_BYTES, checkRequest } from "./request-guard";

const HOST = "127.0.0.1:3000";
const ORIGIN = `http://${HOST}`;

function action(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/apps/shop`, {
    method: "POST",
    headers: { host: HOST, origin: ORIGIN, "next-action": "40aa", "content-type": "text/plain;charset=UTF-8", ...headers },
    body,
  });
}

async function status(request: Request): Promise<number | null> {
  return (await checkRequest(request))?.status ?? null;
}

describe("checkRequest", () => {
  it("lets through what Teal's pages send", async () => {
    expect(await status(new Request(`${ORIGIN}/apps/shop`, { headers: { host: HOST } }))).toBeNull();
    expect(await status(new Request(`${ORIGIN}/api/apps/shop/snapshot?range=60`))).toBeNull();
    expect(await status(new Request(`${ORIGIN}/apps/caf%C3%A9%20bar`))).toBeNull();
    expect(await status(action(JSON.stringify([{ appId: "shop", operationId: "op-1" }])))).toBeNull();
    // React's own escapes for plain data: an undefined field, a string that starts with "$", a date.
    expect(
      await status(action(JSON.stringify([{ appId: "shop", reason: "$undefined", note: "$$5 off" }, "$D2026-01-01T00:00:00.000Z", "$NaN", "$-0"]))),
    ).toBeNull();
    expect(await status(action("[]"))).toBeNull();
    // Behind a reverse proxy the browser's origin is the forwarded host.
    expect(
      await status(action("[]", { host: "10.0.0.5:3000", "x-forwarded-host": "teal.example.com", origin: "https://teal.example.com" })),
    ).toBeNull();
    // next-auth's own posts are its business.
    expect(await status(new Request(`${ORIGIN}/api/auth/callback/credentials`, { method: "POST", body: "csrfToken=x" }))).toBeNull();
  });

  it("refuses paths that are not valid percent-encoding", async () => {
    for (const path of ["/apps/%", "/apps/%ZZ", "/%", "/apps/%E0%A4%A", "/api/apps/%ZZ/snapshot", "/api/auth/%"]) {
      expect(await status(new Request(`${ORIGIN}${path}`)), path).toBe(400);
    }
  });

  it("refuses a server action from another origin, or from none", async () => {
    expect(await status(action("[]", { origin: "https://evil.example" }))).toBe(403);
    expect(await status(action("[]", { origin: "null" }))).toBe(403);
    expect(await status(action("[]", { origin: "" }))).toBe(403);
    expect(await status(action("[]", { "x-forwarded-host": "evil.example" }))).toBe(403);
    const noOrigin = action("[]");
    noOrigin.headers.delete("origin");
    expect(await status(noOrigin)).toBe(403);
  });

  it("refuses action bodies that are not plain JSON arguments", async () => {
    for (const body of ["{not json", "", '[{"appId":"shop"', "\u0000", '{"appId":"shop"}', '"$F1"'])
      expect(await status(action(body)), body).toBe(400);
    for (const ref of ["$F1", "$K1", "$Q1", "$W1", "$B1", "$@1", "$h1", "$T", "$i1", "$1", "$0:a:b", "$Z", "$n12", "$A1"]) {
      expect(await status(action(JSON.stringify([ref]))), ref).toBe(400);
      expect(await status(action(JSON.stringify([{ appId: "shop", operationId: ref }]))), ref).toBe(400);
    }
    expect(await status(action(new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d])))).toBe(400);
  });

  it("refuses other content types and bodies over 1 MB", async () => {
    expect(await status(action("0=x", { "content-type": "application/x-www-form-urlencoded" }))).toBe(415);
    expect(
      await status(
        action('--x\r\ncontent-disposition: form-data; name="0"\r\n\r\n["$F1"]\r\n--x--\r\n', { "content-type": "multipart/form-data; boundary=x" }),
      ),
    ).toBe(415);
    expect(await status(action(JSON.stringify(["x".repeat(ACTION_BODY_LIMIT_BYTES)])))).toBe(413);
    // Sent in chunks, with no length announced.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(100_000).fill(0x20));
        controller.close();
      },
    });
    // A streamed body needs `duplex`, which the DOM typings of RequestInit do not list yet.
    const streamed: RequestInit & { duplex: "half" } = {
      method: "POST",
      headers: { host: HOST, origin: ORIGIN, "next-action": "40aa", "content-type": "text/plain" },
      body: chunks,
      duplex: "half",
    };
    expect(await status(new Request(`${ORIGIN}/apps/shop`, streamed))).toBe(413);
  });

  it("refuses posts to pages that are not server actions", async () => {
    expect(await status(new Request(`${ORIGIN}/apps/shop`, { method: "POST", headers: { host: HOST, origin: ORIGIN }, body: "x" }))).toBe(405);
  });
});
