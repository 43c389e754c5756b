// The notifier's settings from the environment: defaults, the public URL, and bad values refused.
import { describe, expect, it } from "vitest";
import { ConfigError } from "@/lib/config/load";
import { backoffMs } from "./notifier";
import { notifySettingsFrom } from "./settings";

describe("the notifier's settings", () => {
  it("has defaults, takes TEAL_PUBLIC_URL without its trailing slash, and falls back to NEXTAUTH_URL", () => {
    expect(notifySettingsFrom({})).toEqual({
      publicUrl: null,
      timeoutMs: 5_000,
      maxAttempts: 6,
      backoffMs: 2_000,
      maxBackoffMs: 300_000,
      pollMs: 1_000,
      keepMs: 30 * 86_400_000,
    });
    expect(notifySettingsFrom({ TEAL_PUBLIC_URL: "https://teal.example.com/", NEXTAUTH_URL: "http://other" }).publicUrl).toBe(
      "https://teal.example.com",
    );
    expect(notifySettingsFrom({ NEXTAUTH_URL: "https://console.example.com/" }).publicUrl).toBe("https://console.example.com");
    expect(notifySettingsFrom({ TEAL_WEBHOOK_MAX_ATTEMPTS: "2", TEAL_WEBHOOK_BACKOFF_MS: "5", TEAL_WEBHOOK_MAX_BACKOFF_MS: "1" })).toMatchObject({
      maxAttempts: 2,
      backoffMs: 5,
      maxBackoffMs: 5,
    });
  });

  it("refuses bad values with the variable's name", () => {
    for (const [name, value] of [
      ["TEAL_PUBLIC_URL", "ftp://teal.example.com"],
      ["TEAL_PUBLIC_URL", "teal.example.com"],
      ["TEAL_WEBHOOK_MAX_ATTEMPTS", "0"],
      ["TEAL_WEBHOOK_TIMEOUT_MS", "soon"],
      ["TEAL_WEBHOOK_POLL_MS", "1"],
      ["TEAL_WEBHOOK_KEEP_DAYS", "0"],
    ] as const) {
      expect(() => notifySettingsFrom({ [name]: value })).toThrow(ConfigError);
      expect(() => notifySettingsFrom({ [name]: value })).toThrow(name);
    }
  });

  it("doubles the pause after each attempt up to the cap, half of it drawn at random", () => {
    const s = { backoffMs: 100, maxBackoffMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, s, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, s, () => 0.999999))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
