import { afterEach, describe, expect, it } from "vitest";
import { addLogSink, currentLogContext, logger, logLevel, requestIdFrom, withLogContext, type LogLevel } from "./log";

/** Lines logged while `fn` runs, parsed (kept off stdout meanwhile); every level unless `level` says. */
async function captured(fn: () => unknown, level: LogLevel | null = "debug"): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const stop = addLogSink((line) => lines.push(line), { quiet: true, ...(level ? { level } : {}) });
  try {
    await fn();
  } finally {
    stop();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => {
  delete process.env.TEAL_LOG_LEVEL;
});

describe("the JSON log", () => {
  it("writes one object per line with ts, level, event and the fields", async () => {
    const [line, ...rest] = await captured(() => logger.warn("aws.throttled", { service: "route53", attempt: 2 }));
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: "warn", event: "aws.throttled", service: "route53", attempt: 2 });
    expect(Date.parse(String(line?.ts))).not.toBeNaN();
  });

  it("adds the ids of the work in progress, through awaits", async () => {
    const lines = await captured(() =>
      withLogContext({ requestId: "req-12345678" }, () =>
        withLogContext({ operationId: "op-1", appId: "shop" }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          expect(currentLogContext()).toEqual({ requestId: "req-12345678", operationId: "op-1", appId: "shop" });
          logger.error("operation.failed", { error: "Step 1 failed" });
        }),
      ),
    );
    expect(lines).toEqual([expect.objectContaining({ event: "operation.failed", requestId: "req-12345678", operationId: "op-1", appId: "shop" })]);
  });

  it("keeps secrets out: values under secret-sounding keys are replaced, at any depth", async () => {
    const [line] = await captured(() =>
      logger.info("auth.check", {
        password: "hunter2",
        sessionToken: "abc",
        metadata: { headers: { cookie: "next-auth.session-token=xyz", Authorization: "Bearer t0ken" }, client_secret: "s3cret" },
        tokens: 3,
        tokenId: "kt-1",
      }),
    );
    const text = JSON.stringify(line);
    for (const secret of ["hunter2", "abc", "xyz", "t0ken", "s3cret"]) expect(text).not.toContain(secret);
    expect(line).toMatchObject({ password: "[redacted]", sessionToken: "[redacted]", tokens: 3, tokenId: "kt-1" });
  });

  it("writes errors by name and message, and cuts what is too long", async () => {
    const [line] = await captured(() => logger.error("route.failed", { error: new TypeError("boom"), long: "x".repeat(5000) }));
    expect(line?.error).toMatchObject({ name: "TypeError", message: "boom" });
    expect(String(line?.long).length).toBeLessThan(2100);
  });

  it("drops lines below TEAL_LOG_LEVEL (info by default; an unknown value means info)", async () => {
    expect(logLevel({})).toBe("info");
    expect(logLevel({ TEAL_LOG_LEVEL: "loud" })).toBe("info");
    delete process.env.TEAL_LOG_LEVEL;
    expect((await captured(() => logger.debug("x"), null)).length).toBe(0);
    expect((await captured(() => logger.info("x"), null)).length).toBe(1);
    process.env.TEAL_LOG_LEVEL = "warn";
    const lines = await captured(() => {
      logger.info("dropped");
      logger.warn("kept");
      logger.error("kept too");
    }, null);
    expect(lines.map((l) => l.event)).toEqual(["kept", "kept too"]);
    process.env.TEAL_LOG_LEVEL = "debug";
    expect((await captured(() => logger.debug("now kept"), null)).length).toBe(1);
    // A listener with a level of its own hears below the configured one.
    process.env.TEAL_LOG_LEVEL = "error";
    expect((await captured(() => logger.info("heard"), "info")).length).toBe(1);
  });

  it("takes a caller's request id only when it looks like one", () => {
    expect(requestIdFrom("lb-0123456789abcdef")).toBe("lb-0123456789abcdef");
    expect(requestIdFrom('bad"\nid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(null)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
