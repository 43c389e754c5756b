import type { Session } from "next-auth";
import { describe, expect, it } from "vitest";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import { createReaderAuth, KIOSK_REFUSED_MESSAGE, type KioskTokenLookup } from "./reader";
import { generateKioskSecret, hashKioskSecret } from "./kiosk-token";
import { createSessionAuth } from "./session";
import { addLogSink } from "@/lib/telemetry/log";

const SECRET = generateKioskSecret();
const token: KioskTokenInfo = {
  id: "3b0a3c3e-8a77-4a0e-9a55-1f1d1f1d1f1d",
  label: "Ops room TV",
  createdBy: { id: "demo:admin", email: "admin@example.com" },
  createdAt: "2025-03-01T10:00:00.000Z",
  lastUsedAt: null,
  revokedAt: null,
};

function lookup(found: KioskTokenInfo | null) {
  const calls: string[] = [];
  const touched: string[] = [];
  const tokens: KioskTokenLookup = {
    async findKioskTokenByHash(hash) {
      calls.push(hash);
      return hash === hashKioskSecret(SECRET) ? found : null;
    },
    async touchKioskToken(id) {
      touched.push(id);
    },
  };
  return { tokens, calls, touched };
}

function auth(session: Session | null, secret: string | null, found: KioskTokenInfo | null = token) {
  const l = lookup(found);
  const reader = createReaderAuth({
    session: createSessionAuth(async () => session),
    presentedSecret: async () => secret,
    tokens: async () => l.tokens,
  });
  return { reader, ...l };
}

const viewerSession: Session = { expires: "2099-01-01T00:00:00.000Z", user: { id: "demo:viewer", email: "viewer@example.com", role: "viewer" } };

describe("requireReader", () => {
  it("accepts a valid, unrevoked kiosk token as a viewer that names the token, and notes its use", async () => {
    const { reader, touched } = auth(null, SECRET);
    expect(await reader.requireReader()).toEqual({ id: `kiosk:${token.id}`, email: "kiosk Ops room TV", role: "viewer" });
    expect(touched).toEqual([token.id]);
  });

  it("refuses a revoked token with a message the wall can show", async () => {
    const { reader, touched } = auth(null, SECRET, { ...token, revokedAt: "2025-03-01T11:00:00.000Z" });
    await expect(reader.requireReader()).rejects.toMatchObject({ code: "unauthenticated", userMessage: KIOSK_REFUSED_MESSAGE });
    expect(touched).toEqual([]);
  });

  it("refuses an unknown token, and a malformed one without looking it up", async () => {
    await expect(auth(null, generateKioskSecret()).reader.requireReader()).rejects.toMatchObject({ code: "unauthenticated" });
    const malformed = auth(null, "teal_kiosk_nope");
    await expect(malformed.reader.requireReader()).rejects.toMatchObject({ code: "unauthenticated" });
    expect(malformed.calls).toEqual([]);
  });

  it("refuses a caller with neither session nor token", async () => {
    await expect(auth(null, null).reader.requireReader()).rejects.toMatchObject({ code: "unauthenticated", userMessage: "Sign in to continue." });
  });

  it("prefers the signed-in person over a token in the same browser", async () => {
    const { reader, calls } = auth(viewerSession, SECRET);
    expect(await reader.requireReader()).toEqual({ id: "demo:viewer", email: "viewer@example.com", role: "viewer" });
    expect(calls).toEqual([]);
  });

  it("still answers when recording the last use fails", async () => {
    const l = lookup(token);
    const failing: KioskTokenLookup = { ...l.tokens, touchKioskToken: async () => Promise.reject(new Error("disk full")) };
    const logged: string[] = [];
    const stop = addLogSink((line) => logged.push(line), { quiet: true, level: "warn" });
    const reader = createReaderAuth({
      session: createSessionAuth(async () => null),
      presentedSecret: async () => SECRET,
      tokens: async () => failing,
    });
    try {
      expect((await reader.requireReader()).role).toBe("viewer");
    } finally {
      stop();
    }
    expect(logged.map((l) => JSON.parse(l) as unknown)).toEqual([expect.objectContaining({ event: "kiosk.touch_failed", tokenId: token.id })]);
    // The kiosk secret itself is never logged.
    expect(logged.join("\n")).not.toContain(SECRET);
  });
});
