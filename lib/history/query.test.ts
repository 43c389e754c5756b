import { describe, expect, it } from "vitest";
import { auditFilterOf, HISTORY_LISTS_COMPLETE, historySearch, operationFilterOf, parseHistoryQuery } from "./query";

describe("parseHistoryQuery", () => {
  it("treats empty form fields as absent", () => {
    expect(parseHistoryQuery(new URLSearchParams("app=&actor=+&intent=&status=&since=&until="))).toEqual({ ok: true, query: {} });
  });

  it("reads every filter", () => {
    const parsed = parseHistoryQuery(
      new URLSearchParams(
        "app=shop&actor=operator@example.com&intent=rollback&status=failed&action=traffic.shifted&since=2025-03-01T10:00&until=2025-03-02T00:00:00Z&limit=20",
      ),
    );
    expect(parsed).toEqual({
      ok: true,
      query: {
        app: "shop",
        actor: "operator@example.com",
        intent: "rollback",
        status: "failed",
        action: "traffic.shifted",
        since: "2025-03-01T10:00:00.000Z",
        until: "2025-03-02T00:00:00.000Z",
        limit: 20,
      },
    });
  });

  it("reads a form's datetime-local as UTC and an offset time in its own zone", () => {
    const parsed = parseHistoryQuery({ since: "2025-03-01T10:00", until: "2025-03-01T13:00:00+02:00" });
    expect(parsed).toMatchObject({ ok: true, query: { since: "2025-03-01T10:00:00.000Z", until: "2025-03-01T11:00:00.000Z" } });
  });

  it("takes the first of repeated parameters", () => {
    expect(parseHistoryQuery({ app: ["shop", "blog"] })).toEqual({ ok: true, query: { app: "shop" } });
  });

  it("refuses unknown values with a message naming the field", () => {
    expect(parseHistoryQuery({ intent: "delete-everything" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Invalid filter: intent: /),
    });
    expect(parseHistoryQuery({ status: "done" })).toMatchObject({ ok: false, message: expect.stringMatching(/status/) });
    expect(parseHistoryQuery({ app: "Not An Id" })).toMatchObject({ ok: false });
    expect(parseHistoryQuery({ since: "yesterday" })).toMatchObject({ ok: false, message: expect.stringMatching(/since/) });
    expect(parseHistoryQuery({ since: "2025-03-01" })).toMatchObject({ ok: false });
    expect(parseHistoryQuery({ limit: "0" })).toMatchObject({ ok: false });
  });

  it("refuses a range that ends before it starts", () => {
    expect(parseHistoryQuery({ since: "2025-03-02T00:00", until: "2025-03-01T00:00" })).toEqual({
      ok: false,
      message: "Invalid filter: until: the start must be before the end",
    });
  });

  it("keeps its closed lists in step with the domain types", () => {
    expect(HISTORY_LISTS_COMPLETE).toBe(true);
  });
});

describe("store filters", () => {
  it("maps the query to operation and audit filters with default limits", () => {
    const q = {
      app: "shop",
      actor: "a@example.com",
      intent: "shift" as const,
      status: "succeeded" as const,
      action: "token.created" as const,
      since: "2025-03-01T00:00:00.000Z",
    };
    expect(operationFilterOf(q)).toEqual({
      appId: "shop",
      actorEmail: "a@example.com",
      intentKind: "shift",
      status: "succeeded",
      since: q.since,
      limit: 100,
    });
    expect(auditFilterOf(q)).toEqual({ appId: "shop", actorEmail: "a@example.com", action: "token.created", since: q.since, limit: 200 });
    expect(operationFilterOf({})).toEqual({ limit: 100 });
  });
});

describe("historySearch", () => {
  it("writes only the filters that are set, plus extras, and parses back to the same query", () => {
    const q = { app: "shop", actor: "o'neil+ops@example.com", since: "2025-03-01T10:00:00.000Z" };
    const search = historySearch(q, { format: "csv" });
    expect(search).toBe("?app=shop&actor=o%27neil%2Bops%40example.com&since=2025-03-01T10%3A00%3A00.000Z&format=csv");
    expect(parseHistoryQuery(new URLSearchParams(search))).toEqual({ ok: true, query: q });
    expect(historySearch({})).toBe("");
  });
});
