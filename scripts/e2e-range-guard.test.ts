// The browser suite's guard: it runs only against a local practice range (e2e/range-guard.ts).
import { describe, expect, it } from "vitest";
import { practiceRangeRefusal, type RangeGuardInput } from "../e2e/range-guard";

const local: RangeGuardInput = {
  rangeUrl: "http://127.0.0.1:4604",
  appUrl: "http://127.0.0.1:3204",
  env: {},
  health: { status: 200, body: { ok: true, nowMs: 1_700_000_000_000, pid: 4242 } },
  pidIsLocal: (pid) => pid === 4242,
};

describe("practiceRangeRefusal", () => {
  it("lets a run on the local practice range go on", () => {
    expect(practiceRangeRefusal(local)).toBeNull();
    expect(practiceRangeRefusal({ ...local, rangeUrl: "http://localhost:4604", appUrl: "http://localhost:3204" })).toBeNull();
    expect(practiceRangeRefusal({ ...local, env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4604/" } })).toBeNull();
  });

  it("refuses a range or app that is not on this machine, or not plain http", () => {
    for (const rangeUrl of [
      "https://ec2.us-east-1.amazonaws.com",
      "http://10.0.0.5:4604",
      "https://127.0.0.1:4604",
      "http://127.0.0.1.example.com:4604",
    ]) {
      expect(practiceRangeRefusal({ ...local, rangeUrl }), rangeUrl).toMatch(/^Refusing to run the browser suite: RANGE_URL is /);
    }
    expect(practiceRangeRefusal({ ...local, appUrl: "https://teal.example.com" })).toMatch(/APP_URL is https:\/\/teal\.example\.com/);
    expect(practiceRangeRefusal({ ...local, rangeUrl: undefined })).toMatch(/RANGE_URL is not set/);
    expect(practiceRangeRefusal({ ...local, appUrl: "not a url" })).toMatch(/APP_URL is not a URL/);
  });

  it("refuses an app server sent to real AWS or to another endpoint", () => {
    expect(practiceRangeRefusal({ ...local, env: { TEAL_BACKEND: "aws" } })).toMatch(/TEAL_BACKEND=aws/);
    expect(practiceRangeRefusal({ ...local, env: { AWS_ENDPOINT_URL: "https://sts.amazonaws.com" } })).toMatch(/AWS_ENDPOINT_URL is https:\/\/sts/);
    expect(practiceRangeRefusal({ ...local, env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566" } })).toMatch(
      /not the practice range at http:\/\/127\.0\.0\.1:4604/,
    );
  });

  it("refuses an endpoint that does not answer its health as a practice range", () => {
    expect(practiceRangeRefusal({ ...local, health: { error: "ECONNREFUSED" } })).toMatch(
      /does not answer at http:\/\/127\.0\.0\.1:4604\/_sim\/health \(ECONNREFUSED\)/,
    );
    expect(practiceRangeRefusal({ ...local, health: { status: 404, body: "<Error>UnknownOperation</Error>" } })).toMatch(
      /answered 404: this is not a practice range/,
    );
    for (const body of [
      null,
      "ok",
      [],
      { ok: true },
      { ok: false, nowMs: 1, pid: 4242 },
      { ok: true, nowMs: "1", pid: 4242 },
      { ok: true, nowMs: 1, pid: 4242.5 },
    ]) {
      expect(practiceRangeRefusal({ ...local, health: { status: 200, body } }), JSON.stringify(body)).toMatch(/did not answer as a practice range/);
    }
  });

  it("refuses a range whose pid is not a process here (a tunnel to another machine)", () => {
    expect(practiceRangeRefusal({ ...local, pidIsLocal: () => false })).toMatch(/names pid 4242, which is not a process on this machine/);
    expect(practiceRangeRefusal({ ...local, health: { status: 200, body: { ok: true, nowMs: 1, pid: 0 } }, pidIsLocal: () => true })).toMatch(
      /names pid 0/,
    );
  });
});
